"""Before/after measurement of one KPI around a piece of finished work.

Pure statistics over plain sequences: no Flask, no database. The method and its assumptions are
explained in docs/impact.md; the short version is that the uncertainty of a before/after change
is calibrated against the same change computed at "placebo" dates in the series' own past, so
the weekly rhythm and the day-to-day persistence of real traffic are priced in.

One engine: ``measure_change`` (the public function, API.md) measures one change in a list of
dated values; ``DailySeries`` measures any number of changes in one daily series, which is how
the impact job measures thousands of tasks. The first is the second over the days it reads.
Here the evidence is gathered from the series; ``collab.kpis.verdicts`` judges it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence

import numpy as np

from collab.kpis.verdicts import Evidence, empty_result, judge, required_days

# Placebo dates are looked for this far back before the before window; older traffic says
# little about today's noise and a longer look only drags in more seasonality.
LOOKBACK_DAYS = 730


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
    window = _window(window_days)
    changed_on = _as_date(changed_on)
    start = changed_on if started_on is None else min(_as_date(started_on), changed_on)
    first, last = days_read(changed_on, start, window)
    series = DailySeries(_daily_values(dates, values, first, last), first, window)
    return series.measure(changed_on, started_on, lower_is_better)


def days_read(
    changed_on: dt.date, started_on: dt.date | None, window: int = 28
) -> tuple[dt.date, dt.date]:
    """The first and last day a measurement reads: the lookback that calibrates it, the before
    window, the work period and the after window. Nothing outside them changes its answer."""
    changed_on = _as_date(changed_on)
    start = changed_on if started_on is None else min(_as_date(started_on), changed_on)
    first = start - dt.timedelta(days=window + LOOKBACK_DAYS)
    return first, changed_on + dt.timedelta(days=window - 1)


class DailySeries:
    """One metric's daily values (NaN where nothing was recorded), ready to measure any number
    of changes against.

    measure_change builds one for a single measurement; the impact job builds one per metric
    and organisation and measures thousands of tasks against it, so the table of every
    window's mean and day count is built once, on first use. An answer depends only on the
    days the measurement reads (``days_read``), never on how far the series reaches beyond
    them, so the two always agree.
    """

    def __init__(self, values: np.ndarray, first: dt.date, window: int = 28) -> None:
        window = _window(window)
        # A window of empty days in front, so every window that could reach the first day of
        # data is in the table, as it would be in a series that started earlier.
        padded = np.concatenate([np.full(window, np.nan), np.asarray(values, dtype=float)])
        # One NaN and one zero (-0.0 becomes 0.0): equal data gives equal bytes to digest.
        self.values = np.where(np.isnan(padded), np.nan, padded + 0.0)
        self.values.setflags(write=False)  # shared by every measurement, and handed out
        self.first = first - dt.timedelta(days=window)
        self.window = window
        self._table: _WindowTable | None = None

    def days_read(self, changed_on: dt.date, started_on: dt.date | None = None) -> np.ndarray:
        """The values of the days a measurement reads (see the function ``days_read``)."""
        first, last = days_read(changed_on, started_on, self.window)
        low, high = (first - self.first).days, (last - self.first).days + 1
        if low >= 0 and high <= self.values.size:
            return self.values[low:high]
        read = np.full(high - low, np.nan)
        inside = slice(max(low, 0), min(high, self.values.size))
        if inside.start < inside.stop:
            read[inside.start - low : inside.stop - low] = self.values[inside]
        return read

    def measure(
        self,
        changed_on: dt.date,
        started_on: dt.date | None = None,
        lower_is_better: bool = False,
    ) -> dict:
        """measure_change's answer for this series."""
        window = self.window
        changed_on = _as_date(changed_on)
        start = changed_on if started_on is None else _as_date(started_on)
        warnings: list[str] = []
        if start > changed_on:
            warnings.append(
                f"work started ({start.isoformat()}) after it was completed "
                f"({changed_on.isoformat()}); the before window ends at completion instead"
            )
            start = changed_on
        gap = (changed_on - start).days
        origin = start - dt.timedelta(days=window + LOOKBACK_DAYS)
        reads_from = (origin - self.first).days
        before_at = reads_from + LOOKBACK_DAYS
        after_at = before_at + window + gap
        if before_at < 0 or after_at + window > self.values.size:
            return self._widened(reads_from, after_at + window).measure(
                changed_on, started_on, lower_is_better
            )
        table = self._windows()
        known = max(reads_from, 0)  # the days before the series have no data
        evidence = Evidence(
            before_mean=table.mean[before_at],
            before_n=int(table.count[before_at]),
            after_mean=table.mean[after_at],
            after_n=int(table.count[after_at]),
            has_negatives=bool(
                table.negatives[before_at + window] - table.negatives[known]
                or table.negatives[after_at + window] - table.negatives[after_at]
            ),
            history_days=int(table.present_days[before_at] - table.present_days[known]),
            placebo=lambda relative: table.placebo_changes(known, before_at, gap, relative),
            noise=lambda relative: _model_standard_error(
                self.values, table, known, before_at, after_at, gap, relative
            ),
        )
        result = empty_result(origin, LOOKBACK_DAYS, LOOKBACK_DAYS + window + gap, window)
        result["warnings"] = warnings
        return judge(result, evidence, window, lower_is_better)

    def _windows(self) -> _WindowTable:
        if self._table is None:
            self._table = _WindowTable(self.values, self.first, self.window)
        return self._table

    def _widened(self, low: int, high: int) -> DailySeries:
        """This series with empty days added so that the span [low, high) lies inside it."""
        front = max(-low, 0)
        back = max(high - self.values.size, 0)
        values = np.concatenate([np.full(front, np.nan), self.values, np.full(back, np.nan)])
        return DailySeries(values, self.first - dt.timedelta(days=front), self.window)


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
        # Running counts, so any stretch's negative or present days cost two lookups.
        self.negatives = np.concatenate([[0], np.cumsum(np.nan_to_num(series, nan=0.0) < 0)])
        self.present_days = np.concatenate([[0], np.cumsum(present)])
        self.covered = self.count >= required_days(window)
        self.not_positive = self.mean <= 0

    def placebo_changes(
        self, known: int, before_at: int, gap: int, relative: bool
    ) -> np.ndarray | None:
        """The statistic at every past date whose two windows both lie before the work (and
        after ``known``: windows starting earlier have no data)."""
        window = self.window
        after = np.arange(known + gap + window, before_at + 1)
        before = after - gap - window
        ok = self.covered[after] & self.covered[before]
        after, before = after[ok], before[ok]
        if relative:
            if self.not_positive[after].any() or self.not_positive[before].any():
                return None
            return np.log(self.mean[after] / self.mean[before])
        return self.mean[after] - self.mean[before]

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


def _model_standard_error(
    series: np.ndarray,
    windows: _WindowTable,
    known: int,
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
    pre_period = slice(known, before_at + window)
    after_window = slice(after_at, after_at + window)
    segments = [series[pre_period], series[after_window]]
    weekdays = [windows.weekday[pre_period], windows.weekday[after_window]]
    residuals = []
    for part in segments:
        level = np.nanmean(part) if np.any(~np.isnan(part)) else np.nan
        if relative:
            residual = part / level - 1.0 if level > 0 else np.full(part.size, np.nan)
        else:
            residual = part - level
        residuals.append(residual)
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
    cut = segments[0].size
    for residual in (pooled[:cut], pooled[cut:]):
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


def _daily_values(
    dates: Sequence[dt.date], values: Sequence[float | None], first: dt.date, last: dt.date
) -> np.ndarray:
    """One value per calendar day from `first` to `last`, NaN where nothing was recorded."""
    series = np.full((last - first).days + 1, np.nan)
    for day, value in zip(dates, values, strict=True):
        index = (_as_date(day) - first).days
        if 0 <= index < series.size:
            series[index] = _as_number(value)
    return series


def _window(days: int) -> int:
    window = int(days)
    if window < 1:
        raise ValueError("window_days must be at least 1")
    return window


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _as_number(value: float | None) -> float:
    if value is None:
        return math.nan
    number = float(value)
    return number if math.isfinite(number) else math.nan
