"""From the evidence of one before/after measurement to its interval, p-value and verdict.

Pure: ``collab.kpis.statistics`` gathers the evidence from a daily series (and the model of
what the metric would have done anyway, ``collab.kpis.counterfactual``) and hands it here;
docs/impact.md explains the method.

The four verdicts: ``improved`` or ``worsened`` when the 95% interval excludes zero (by the
metric's good direction); ``no_change`` when the whole interval lies within plus or minus the
metric's materiality (edges included): whatever the work did, it did not matter;
``inconclusive`` otherwise: the data cannot tell a change that matters from none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from collab.kpis.counterfactual import CONFIDENCE, Fit

# A window counts as observed when this share of its days have data (26 of 28).
COVERAGE_NUMERATOR, COVERAGE_DENOMINATOR = 9, 10
# An interval is still given when the before window has at least this share of its days.
MIN_BEFORE_SHARE_FOR_INTERVAL = 0.5
# Changes within plus or minus this many percent do not matter, unless a director says
# otherwise for a metric.
DEFAULT_MATERIAL_PCT = 10.0
# A pre-work drift or shift "explains" a change when it accounts for this share of it.
EXPLAINS_SHARE = 0.5
_SIGNIFICANT = 1.0 - CONFIDENCE


@dataclass(frozen=True)
class Model:
    """What the series says besides the two windows (see ``collab.kpis.statistics``)."""

    fit: Fit | None  # the counterfactual and its interval; None without one
    trend_move: float  # the move the pre-work trend projects between the windows
    recent_move: float  # the last two weeks before the work against the before window


@dataclass(frozen=True)
class Evidence:
    """What the judgement reads from a series at one measurement."""

    before_mean: float
    before_n: int
    after_mean: float
    after_n: int
    has_negatives: bool  # any negative day in the pre-period or the after window
    zero_windows: bool  # any observed window averaging zero or less, up to the after window
    history_days: int  # days with data before the before window
    model: Callable[[bool], Model]  # (relative) -> the model


def judge(
    result: dict,
    evidence: Evidence,
    window: int,
    lower_is_better: bool,
    material_pct: float = DEFAULT_MATERIAL_PCT,
) -> dict:
    """Fills `result` (from empty_result, with its warnings list) from the evidence."""
    warnings = result["warnings"]
    result["material_pct"] = _tidy(float(material_pct), 6)
    required = required_days(window)
    before_mean, before_n = evidence.before_mean, evidence.before_n
    after_mean, after_n = evidence.after_mean, evidence.after_n
    result["before"].update(mean=_tidy(before_mean, 6), n=before_n)
    result["after"]["n"] = after_n
    result["method"]["history_days"] = evidence.history_days

    if after_n < required:
        warnings.append(
            f"waiting for data: {after_n} of {window} days after the change have data; "
            f"{required} are needed"
        )
        return result
    result["status"] = "measured"
    result["verdict"] = "inconclusive"  # until an interval says more
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

    result["change_abs"] = _tidy(after_mean - before_mean, 6)
    result["change_pct"] = _percent_of(after_mean - before_mean, before_mean)
    if before_mean < 0:
        # Percent of a negative base (a loss-making ROMI) is taken against its size, so a
        # positive percentage still means "went up".
        warnings.append(
            "the before mean is negative: the change is judged in absolute terms and "
            "percentages are relative to its size"
        )
    elif before_mean == 0:
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
    if relative and evidence.zero_windows:
        relative = False
        warnings.append("some past windows average zero; the change is judged in absolute terms")
    model = evidence.model(relative)
    found = model.fit
    if found is None or not found.standard_error > 0:
        # No measurable noise (a handful of points, or a flat line) is no evidence of
        # precision, so we give no interval rather than a zero-width one.
        warnings.append("too little variation in the data to put an uncertainty on the change")
        return result
    if widening != 1.0:
        found = _widened(found, widening)

    estimate, half = found.estimate, found.half_width
    if relative:
        low, high = _tidy(_relative(estimate - half), 4), _tidy(_relative(estimate + half), 4)
        result["change_pct"] = _tidy(_relative(estimate), 4)
        result["change_abs"] = _tidy(before_mean * math.expm1(estimate), 6)
        result["mde_pct"] = _tidy(_relative(found.detectable), 4)
    else:
        low = _percent_of(estimate - half, before_mean)
        high = _percent_of(estimate + half, before_mean)
        result["change_pct"] = _percent_of(estimate, before_mean)
        result["change_abs"] = _tidy(estimate, 6)
        result["mde_pct"] = _percent_of(found.detectable, before_mean)
    excludes_zero = estimate - half > 0 or estimate + half < 0
    p_value = _tidy(found.p_value, 4)
    # The interval and the p-value say the same thing, to the last reported digit.
    if excludes_zero != (p_value <= _SIGNIFICANT):
        p_value = _SIGNIFICANT if excludes_zero else _tidy(_SIGNIFICANT * 1.0002, 4)
    result["p_value"] = p_value
    if low is not None:
        result["ci95_pct"] = [low, high]
    if low is None:
        result["verdict"] = verdict_of(estimate - half, estimate + half, lower_is_better, None)
    else:
        result["verdict"] = verdict_of(low, high, lower_is_better, material_pct)
    _describe(result, found, model, relative, before_mean, evidence.history_days, window)
    return result


def verdict_of(low: float, high: float, lower_is_better: bool, material_pct: float | None) -> str:
    """The verdict of a 95% interval [low, high] of a change: in percent, or in the metric's
    units with ``material_pct`` None (a change from zero has no percentage, so it cannot be
    shown immaterial either)."""
    if low > 0:
        return "worsened" if lower_is_better else "improved"
    if high < 0:
        return "improved" if lower_is_better else "worsened"
    if material_pct is not None and -material_pct <= low and high <= material_pct:
        return "no_change"
    return "inconclusive"


def _describe(
    result: dict,
    found: Fit,
    model: Model,
    relative: bool,
    before_mean: float,
    history_days: int,
    window: int,
) -> None:
    """The method's record and the warnings a reader needs to trust (or doubt) the answer."""
    warnings = result["warnings"]

    def as_pct(move: float) -> float | None:
        return _tidy(_relative(move), 4) if relative else _percent_of(move, before_mean)

    def said(move: float) -> str:
        pct = as_pct(move)
        return f"{pct:+.1f}%" if pct is not None else f"{move:+.4g}"

    result["method"].update(
        model=found.model,
        control=found.control,
        expected_pct=as_pct(found.expected),
        placebo_dates=found.placebo_dates,
        calibration=(
            "placebo" if found.calibrated else "both" if found.placebo_dates else "noise_model"
        ),
        degrees_of_freedom=found.degrees,
    )
    if found.model == "trend":
        warnings.append(
            "the metric was drifting before the work; the drift accounts for "
            f"{said(found.expected)} of the change and is taken out"
        )
    elif found.model == "last_year":
        warnings.append(
            f"the same weeks last year moved by {said(found.expected)}; that seasonal move is "
            "taken out of the change"
        )
    elif found.model == "control":
        warnings.append(
            f"{found.control} moved by {said(found.expected)} over the same weeks and predicts "
            "this metric's move; that move is taken out of the change"
        )
    if history_days < window:
        warnings.append(
            "almost no history before the before window: the interval comes from a rough "
            "model of the day-to-day noise"
        )
    elif not found.calibrated:
        warnings.append(
            f"short history ({history_days} days before the before window, "
            f"{found.placebo_dates} placebo dates): the interval leans on a model of the "
            "day-to-day noise and is wide for it"
        )
    # A drift or a shift before the work that accounts for most of a change worth talking
    # about (called a change, or beyond the materiality) is said, whatever the verdict.
    change = found.estimate + found.expected  # the raw move between the windows
    raw_pct = as_pct(change)
    if result["verdict"] not in ("improved", "worsened") and (
        raw_pct is None or abs(raw_pct) < result["material_pct"]
    ):
        return
    if found.model != "trend" and _explains(model.trend_move, change):
        warnings.append(
            f"the metric was already {'rising' if model.trend_move > 0 else 'falling'} before "
            f"the work: its trend alone projects {said(model.trend_move)} between the windows, "
            "most of this change"
        )
    if _explains(model.recent_move, change):
        warnings.append(
            f"the last two weeks before the work were already {said(model.recent_move)} off the "
            "before window's mean: a level shift before the work may explain the change"
        )


def _explains(move: float, change: float) -> bool:
    return (
        math.isfinite(move)
        and math.isfinite(change)
        and change != 0
        and move * change > 0
        and abs(move) >= EXPLAINS_SHARE * abs(change)
    )


def _widened(found: Fit, factor: float) -> Fit:
    standard_error = found.standard_error * factor
    return dataclasses.replace(
        found,
        standard_error=standard_error,
        half_width=found.half_width * factor,
    )


def _relative(log_change: float) -> float:
    return 100.0 * math.expm1(log_change) if log_change < 700 else math.inf


def _percent_of(change: float, base: float) -> float | None:
    """A change in percent of the size of its base; None for a zero base."""
    if base == 0 or not math.isfinite(change):
        return None
    return _tidy(100.0 * change / abs(base), 4)


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
        "verdict": None,
        "material_pct": DEFAULT_MATERIAL_PCT,
        "mde_pct": None,
        "method": {
            "model": None,
            "control": None,
            "expected_pct": None,
            "calibration": None,
            "placebo_dates": 0,
            "degrees_of_freedom": None,
            "history_days": 0,
        },
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
