"""Before/after measurement of one KPI around a piece of finished work.

Pure statistics over plain sequences: no Flask, no database. The method and its assumptions are
explained in docs/impact.md; the short version is that the uncertainty of a before/after change
is calibrated against the same change computed at "placebo" dates in the series' own past, so
the weekly rhythm and the day-to-day persistence of real traffic are priced in.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

# A window counts as observed when this share of its days have data (26 of 28).
COVERAGE_NUMERATOR, COVERAGE_DENOMINATOR = 9, 10
# Placebo dates are looked for this far back before the before window; older traffic says
# little about today's noise and a longer look only drags in more seasonality.
LOOKBACK_DAYS = 730
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


def measure_change(
    dates: Sequence[dt.date],
    values: Sequence[float | None],
    changed_on: dt.date,
    window_days: int = 28,
    lower_is_better: bool = False,
    started_on: dt.date | None = None,
) -> dict:
    """Compare the window after `changed_on` with the window before the work started.

    Returns the impact fields of the public API except `metric` and `confounders`.
    """
    window = int(window_days)
    if window < 1:
        raise ValueError("window_days must be at least 1")
    changed_on = _as_date(changed_on)
    warnings: list[str] = []
    start = changed_on if started_on is None else _as_date(started_on)
    if start > changed_on:
        warnings.append(
            f"work started ({start.isoformat()}) after it was completed "
            f"({changed_on.isoformat()}); the before window ends at completion instead"
        )
        start = changed_on
    gap = (changed_on - start).days
    required = -(-COVERAGE_NUMERATOR * window // COVERAGE_DENOMINATOR)

    origin = start - dt.timedelta(days=window + LOOKBACK_DAYS)
    series = _daily_series(dates, values, origin, changed_on + dt.timedelta(days=window - 1))
    windows = _WindowTable(series, origin, window)
    before_at = LOOKBACK_DAYS
    after_at = before_at + window + gap

    pre_period = series[: before_at + window]
    evidence = Evidence(
        before_mean=windows.mean[before_at],
        before_n=int(windows.count[before_at]),
        after_mean=windows.mean[after_at],
        after_n=int(windows.count[after_at]),
        has_negatives=bool(
            np.any(pre_period[~np.isnan(pre_period)] < 0)
            or np.any(series[after_at : after_at + window] < 0)
        ),
        history_days=int(np.count_nonzero(~np.isnan(series[:before_at]))),
        placebo=lambda relative: windows.placebo_changes(before_at, gap, required, relative),
        noise=lambda relative: _model_standard_error(
            series, windows, before_at, after_at, gap, relative
        ),
    )
    result = _empty_result(origin, before_at, after_at, window)
    result["warnings"] = warnings
    return assess(result, evidence, window, lower_is_better)


@dataclass(frozen=True)
class Evidence:
    """What the judgement reads from a series, however it was computed: measure_change
    works it out for one series, the nightly job (collab.impacts) from tables it shares
    between thousands of tasks. Both then call `assess`, so they cannot disagree."""

    before_mean: float
    before_n: int
    after_mean: float
    after_n: int
    has_negatives: bool  # any negative day in the pre-period or the after window
    history_days: int  # days with data before the before window
    placebo: Callable[[bool], np.ndarray | None]  # (relative) -> placebo statistics
    noise: Callable[[bool], float]  # (relative) -> the model's standard error


def assess(result: dict, evidence: Evidence, window: int, lower_is_better: bool) -> dict:
    """Fills `result` (from _empty_result, with its warnings list) from the evidence."""
    warnings = result["warnings"]
    required = -(-COVERAGE_NUMERATOR * window // COVERAGE_DENOMINATOR)
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


class _WindowTable:
    """Weekday-balanced mean and day count of every window of the series.

    The mean of a window is the average of its per-weekday averages: with whole weeks and no
    gaps it is the plain mean, and with gaps or odd lengths the weekly pattern still cancels.
    """

    def __init__(self, series: np.ndarray, origin: dt.date, window: int) -> None:
        self.window = window
        present = ~np.isnan(series)
        days = np.lib.stride_tricks.sliding_window_view(np.where(present, series, 0.0), window)
        seen = np.lib.stride_tricks.sliding_window_view(present, window)
        weekday = (origin.weekday() + np.arange(series.size)) % 7
        weekdays = np.lib.stride_tricks.sliding_window_view(weekday, window)
        sums = np.zeros((days.shape[0], 7))
        counts = np.zeros((days.shape[0], 7))
        for day in range(7):
            mask = seen & (weekdays == day)
            sums[:, day] = np.where(mask, days, 0.0).sum(axis=1)
            counts[:, day] = mask.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            per_weekday = sums / counts
            covered = counts > 0
            self.mean = np.where(covered, per_weekday, 0.0).sum(axis=1) / covered.sum(axis=1)
        self.count = counts.sum(axis=1)
        self.weekday, self.present = weekday, present

    def placebo_changes(
        self, before_at: int, gap: int, required: int, relative: bool
    ) -> np.ndarray | None:
        """The statistic at every past date whose two windows both lie before the work."""
        window = self.window
        work_starts = before_at + window
        first = gap + window
        last = work_starts - window
        if last < first:
            return np.empty(0)
        after = np.arange(first, last + 1)
        before = after - gap - window
        ok = (self.count[after] >= required) & (self.count[before] >= required)
        after, before = after[ok], before[ok]
        after_mean, before_mean = self.mean[after], self.mean[before]
        if relative:
            if np.any(after_mean <= 0) or np.any(before_mean <= 0):
                return None
            return np.log(after_mean / before_mean)
        return after_mean - before_mean

    def weights(self, start: int) -> np.ndarray:
        """Per-day weights that reproduce the weekday-balanced mean of the window at `start`."""
        days = slice(start, start + self.window)
        seen, weekdays = self.present[days], self.weekday[days]
        counts = np.bincount(weekdays[seen], minlength=7)
        covered = int(np.count_nonzero(counts))
        weights = np.zeros(self.window)
        if covered:
            weights[seen] = 1.0 / (covered * counts[weekdays[seen]])
        return weights


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


def _model_standard_error(
    series: np.ndarray,
    windows: _WindowTable,
    before_at: int,
    after_at: int,
    gap: int,
    relative: bool,
) -> float:
    """Standard error of the statistic under an AR(1) model of the weekly-detrended noise.

    Used only when the history is too short for placebo dates. Day-to-day persistence makes a
    window mean far noisier than its n suggests, so the model's autocorrelation is what counts.
    """
    window = windows.window
    segments = [series[: before_at + window], series[after_at : after_at + window]]
    residuals, weekdays = [], []
    offset = [0, after_at]
    for part, first in zip(segments, offset, strict=True):
        level = np.nanmean(part) if np.any(~np.isnan(part)) else np.nan
        if relative:
            residual = part / level - 1.0 if level > 0 else np.full(part.size, np.nan)
        else:
            residual = part - level
        residuals.append(residual)
        weekdays.append(windows.weekday[first : first + part.size])
    pooled = np.concatenate(residuals)
    pooled_weekday = np.concatenate(weekdays)
    seen = ~np.isnan(pooled)
    if window >= 7:
        # Remove each weekday's mean in one pass (the job calls this thousands of times).
        days = pooled_weekday[seen]
        totals = np.bincount(days, weights=pooled[seen], minlength=7)
        counts = np.bincount(days, minlength=7)
        means = np.divide(totals, counts, out=np.zeros(7), where=counts > 0)
        pooled[seen] -= means[days]
    n = int(np.count_nonzero(seen))
    fitted = 7 + len(segments) if window >= 7 else len(segments)
    if n <= fitted + 2:
        return math.nan
    variance = float(np.sum(pooled[seen] ** 2)) / (n - fitted)
    lagged, total = 0.0, 0.0
    for residual in _split(pooled, [segment.size for segment in segments]):
        pairs = ~np.isnan(residual[1:]) & ~np.isnan(residual[:-1])
        lagged += float(np.sum(residual[1:][pairs] * residual[:-1][pairs]))
        total += float(np.sum(residual[:-1][pairs] ** 2))
    phi = lagged / total if total > 0 else 0.0
    # Short series understate persistence (Kendall's bias); correct it and stay stationary.
    phi = min(max(phi + (1.0 + 3.0 * phi) / n, 0.0), 0.95)

    before_weights = windows.weights(before_at)
    after_weights = windows.weights(after_at)
    within, across = _lags(window)
    powers = phi ** np.arange(2 * window)
    within_correlation = powers[within]
    # Lags from each before day to each after day are gap + (1 .. 2 * window - 1): the gap's
    # factor comes out of the matrix, so a long work period never asks for a larger one.
    across_correlation = phi**gap * powers[across]
    correlation = (
        before_weights @ within_correlation @ before_weights
        + after_weights @ within_correlation @ after_weights
        - 2.0 * before_weights @ across_correlation @ after_weights
    )
    return math.sqrt(max(variance * float(correlation), 0.0))


@functools.cache
def _lags(window: int) -> tuple[np.ndarray, np.ndarray]:
    """Day-to-day lags inside one window, and from a before day to an after day (less the gap)."""
    offsets = np.subtract.outer(np.arange(window), np.arange(window))
    return np.abs(offsets), window - offsets


def _split(values: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    return np.split(values, np.cumsum(sizes)[:-1])


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


def _empty_result(origin: dt.date, before_at: int, after_at: int, window: int) -> dict:
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


def _daily_series(
    dates: Sequence[dt.date], values: Sequence[float | None], first: dt.date, last: dt.date
) -> np.ndarray:
    """One value per calendar day from `first` to `last`, NaN where nothing was recorded."""
    series = np.full((last - first).days + 1, np.nan)
    for day, value in zip(dates, values, strict=True):
        index = (_as_date(day) - first).days
        if 0 <= index < series.size:
            series[index] = _as_number(value)
    return series


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _as_number(value: float | None) -> float:
    if value is None:
        return math.nan
    number = float(value)
    return number if math.isfinite(number) else math.nan


def _tidy(value: float | None, digits: int) -> float | None:
    """Round to `digits` significant digits so the JSON stays readable and stable."""
    if value is None or not math.isfinite(value):
        return None
    rounded = float(f"{value:.{digits}g}")
    return rounded + 0.0 if rounded else 0.0
