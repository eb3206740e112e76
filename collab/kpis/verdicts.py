"""From the evidence of one before/after measurement to its interval, p-value and verdict.

Pure: ``collab.kpis.statistics`` gathers the evidence from a daily series and hands it here;
docs/impact.md explains the method."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

# A window counts as observed when this share of its days have data (26 of 28).
COVERAGE_NUMERATOR, COVERAGE_DENOMINATOR = 9, 10
# The placebo calibration needs about 30 weekly-spaced placebo dates; below that its tail
# quantile is itself too noisy to trust (simulated coverage falls under 90%).
MIN_PLACEBO_DATES = 30 * 7
# Fallback widening: a noise model fitted to a few weeks is easy to get wrong, so we pay for
# that with width instead of pretending. "Almost no history" means less than one extra window.
SHORT_HISTORY_WIDENING = 1.5
NO_HISTORY_WIDENING = 2.0
# An interval is still given when the before window has at least this share of its days.
MIN_BEFORE_SHARE_FOR_INTERVAL = 0.5
CONFIDENCE = 0.95
_Z = NormalDist().inv_cdf(0.5 + CONFIDENCE / 2)


@dataclass(frozen=True)
class Evidence:
    """What the judgement reads from a series at one measurement."""

    before_mean: float
    before_n: int
    after_mean: float
    after_n: int
    has_negatives: bool  # any negative day in the pre-period or the after window
    history_days: int  # days with data before the before window
    placebo: Callable[[bool], np.ndarray | None]  # (relative) -> placebo statistics
    noise: Callable[[bool], float]  # (relative) -> the model's standard error


def judge(result: dict, evidence: Evidence, window: int, lower_is_better: bool) -> dict:
    """Fills `result` (from empty_result, with its warnings list) from the evidence."""
    warnings = result["warnings"]
    required = required_days(window)
    before_mean, before_n = evidence.before_mean, evidence.before_n
    after_mean, after_n = evidence.after_mean, evidence.after_n
    result["before"].update(mean=_tidy(before_mean, 6), n=before_n)
    result["after"]["n"] = after_n

    if after_n < required:
        warnings.append(
            f"waiting for data: {after_n} of {window} days after the change have data; "
            f"{required} are needed"
        )
        return result
    result["status"] = "measured"
    result["after"]["mean"] = _tidy(after_mean, 6)
    if after_n < window:
        warnings.append(f"the after window misses {window - after_n} of {window} days")
    if window < 7:
        warnings.append(
            "the window is shorter than a week, so the weekly pattern is not averaged out"
        )
    if before_n == 0:
        warnings.append("the before window has no data; nothing to compare with")
        return result
    if required <= before_n < window:
        warnings.append(f"the before window misses {window - before_n} of {window} days")

    change_abs = after_mean - before_mean
    result["change_abs"] = _tidy(change_abs, 6)
    if before_mean > 0:
        result["change_pct"] = _tidy(100.0 * change_abs / before_mean, 4)
    elif before_mean < 0:
        # Percent of a negative base (a loss-making ROMI) is taken against its size, so a
        # positive percentage still means "went up".
        result["change_pct"] = _tidy(100.0 * change_abs / abs(before_mean), 4)
        warnings.append(
            "the before mean is negative: the change is judged in absolute terms and "
            "percentages are relative to its size"
        )
    else:
        warnings.append("the before mean is zero, so the change cannot be given in percent")

    widening = 1.0
    if before_n < required:
        if before_n < MIN_BEFORE_SHARE_FOR_INTERVAL * window:
            warnings.append(
                f"only {before_n} of {window} days before the change have data; "
                "too few to put an uncertainty on the change"
            )
            return result
        # The variance of a mean grows roughly like 1/n, so scale the width accordingly.
        widening = math.sqrt(required / before_n)
        warnings.append(
            f"only {before_n} of {window} days before the change have data "
            f"({required} wanted); the interval is widened by {widening:.2f}x"
        )

    relative = bool(before_mean > 0 and after_mean >= 0 and not evidence.has_negatives)
    placebo = evidence.placebo(relative)
    if relative and placebo is None:
        relative = False
        warnings.append("some past windows average zero; the change is judged in absolute terms")
        placebo = evidence.placebo(relative)

    observed = _statistic(after_mean, before_mean, relative)
    if placebo is not None and len(placebo) >= MIN_PLACEBO_DATES:
        half_width, p_value = _placebo_interval(observed, placebo, widening)
    else:
        history_days = evidence.history_days
        extra = SHORT_HISTORY_WIDENING if history_days >= window else NO_HISTORY_WIDENING
        if extra == NO_HISTORY_WIDENING:
            warnings.append(
                "almost no history before the before window: the interval comes from a rough "
                f"model of the day-to-day noise and is widened {extra:.1f}x"
            )
        else:
            warnings.append(
                f"short history ({history_days} days before the before window): the interval "
                f"comes from a model of the day-to-day noise and is widened {extra:.1f}x"
            )
        standard_error = evidence.noise(relative)
        if not standard_error > 0:
            # No measurable noise (a handful of points, or a flat line) is no evidence of
            # precision, so we give no interval rather than a zero-width one.
            warnings.append("too little variation in the data to put an uncertainty on the change")
            return result
        half_width, p_value = _normal_interval(observed, standard_error * widening * extra)

    low, high = _interval(after_mean, before_mean, observed, half_width, relative)
    result["p_value"] = _tidy(p_value, 4)
    if relative:
        result["ci95_pct"] = [_tidy(100.0 * low, 4), _tidy(100.0 * high, 4)]
    elif before_mean != 0:
        scale = 100.0 / abs(before_mean)
        result["ci95_pct"] = [_tidy(scale * low, 4), _tidy(scale * high, 4)]
    result["verdict"] = _verdict(low, high, lower_is_better)
    return result


def _statistic(after_mean: float, before_mean: float, relative: bool) -> float:
    if relative:
        return math.log(after_mean / before_mean) if after_mean > 0 else -math.inf
    return after_mean - before_mean


def _placebo_interval(observed: float, placebo: np.ndarray, widening: float) -> tuple[float, float]:
    """Half-width and p-value from the spread of the placebo changes.

    The half-width is an order statistic of |placebo| chosen so that "the interval excludes
    zero" and "p <= 0.05" are the same statement; the p-value counts the observed change among
    the placebos so it is never zero.
    """
    spread = np.sort(np.abs(placebo)) * widening
    rank = math.ceil(CONFIDENCE * (spread.size + 1)) - 1
    half_width = float(spread[min(rank, spread.size - 1)])
    as_large = int(np.count_nonzero(spread >= abs(observed)))
    return half_width, (as_large + 1) / (spread.size + 1)


def _normal_interval(observed: float, standard_error: float) -> tuple[float, float]:
    z = abs(observed) / standard_error
    return _Z * standard_error, 2.0 * (1.0 - NormalDist().cdf(z))


def _interval(
    after_mean: float, before_mean: float, observed: float, half_width: float, relative: bool
) -> tuple[float, float]:
    """The interval for the change: relative (as a fraction) or in the metric's units."""
    if relative:
        ratio = after_mean / before_mean
        return ratio * math.exp(-half_width) - 1.0, ratio * math.exp(half_width) - 1.0
    return observed - half_width, observed + half_width


def _verdict(low: float, high: float, lower_is_better: bool) -> str:
    if low > 0:
        return "worsened" if lower_is_better else "improved"
    if high < 0:
        return "improved" if lower_is_better else "worsened"
    return "no_change"


def empty_result(origin: dt.date, before_at: int, after_at: int, window: int) -> dict:
    def span(at: int) -> dict:
        first = origin + dt.timedelta(days=at)
        last = first + dt.timedelta(days=window - 1)
        return {"from": first.isoformat(), "to": last.isoformat(), "mean": None, "n": 0}

    return {
        "status": "waiting_for_data",
        "before": span(before_at),
        "after": span(after_at),
        "change_abs": None,
        "change_pct": None,
        "ci95_pct": None,
        "p_value": None,
        "verdict": "no_change",
        "warnings": [],
    }


def required_days(window: int) -> int:
    """Days with data a window needs to count as observed."""
    return -(-COVERAGE_NUMERATOR * window // COVERAGE_DENOMINATOR)


def _tidy(value: float | None, digits: int) -> float | None:
    """Round to `digits` significant digits so the JSON stays readable and stable."""
    if value is None or not math.isfinite(value):
        return None
    rounded = float(f"{value:.{digits}g}")
    return rounded + 0.0 if rounded else 0.0
