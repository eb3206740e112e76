"""Models of a daily series' noise, for where its own past is too short to calibrate against.

Pure numpy. Two pieces: the standard error of the difference of two window means under an
AR(1) model of the weekday-adjusted noise (day-to-day persistence makes a window mean far
noisier than its n suggests), and the slope of the level before the work (a drift that would
have moved the number anyway). docs/impact.md explains where each is used.

The impact job asks both questions of one series thousands of times, each over its own stretch
of days; running sums answer any stretch in a few operations (``RunningSums``).
"""

from __future__ import annotations

import functools
import math

import numpy as np

# Short series understate persistence; the correction below keeps phi under this.
MAX_PHI = 0.95
# Fitted: a level per weekday.
_FITTED = 7
_WEEK = np.arange(7)
_PREVIOUS_DAY = (_WEEK - 1) % 7
# Six sums by weekday (7 columns each), then five plain ones.
_COLUMNS = 6 * 7 + 5


class RunningSums:
    """Running sums of one daily series (NaN where nothing was recorded), so that the weekday
    means, the AR(1) fit and the drift of any stretch of days cost a handful of lookups.

    Values are centred on their median first, which changes no answer (every statistic here
    is taken about weekday means) but keeps the sums of squares accurate.
    """

    def __init__(self, values: np.ndarray, weekday: np.ndarray) -> None:
        present = ~np.isnan(values)
        centre = float(np.median(values[present])) if present.any() else 0.0
        y = np.where(present, values - centre, 0.0)
        p = present.astype(float)
        day = np.arange(values.size, dtype=float)
        # Pairs of consecutive days with data, keyed by the later day's weekday.
        pair = np.zeros(values.size)
        pair[1:] = p[1:] * p[:-1]
        earlier = np.zeros(values.size)
        earlier[1:] = y[:-1]
        # Row 0 stays zero: sums[high] - sums[low] is then the sum over days [low, high).
        sums = np.zeros((values.size + 1, _COLUMNS))
        rows = np.arange(1, values.size + 1)
        by_weekday = (
            p,  # days with data
            y,  # their values
            p * day,  # their day numbers
            pair,  # pairs of days with data
            pair * y,  # the later day's value
            pair * earlier,  # the earlier day's value
        )
        for group, column in enumerate(by_weekday):
            sums[rows, 7 * group + weekday] = column
        sums[1:, 42] = y * y
        sums[1:, 43] = day * y
        sums[1:, 44] = p * day * day
        sums[1:, 45] = pair * y * earlier
        sums[1:, 46] = pair * earlier * earlier
        np.cumsum(sums, axis=0, out=sums)
        self.centre = centre
        self.sums = sums
        # The impact job asks about the same stretches again and again (tasks completed on
        # the same day, three metrics a task): each answer is kept.
        self._parts: dict[tuple[int, int, bool], tuple | None] = {}
        self._slopes: dict[tuple[int, int], float] = {}

    def ar1(self, stretches: list[tuple[int, int]], relative: bool) -> tuple[float, float]:
        """(variance, phi) of the weekday-adjusted noise over the stretches of days [low, high)
        (the pre-period and the after window), each about its own weekday means and, when
        ``relative``, relative to its own mean level; (NaN, 0) when too few days have data."""
        residual_squares = lagged = spread = 0.0
        n = degrees = 0.0
        for low, high in stretches:
            key = (low, high, relative)
            if key in self._parts:
                part = self._parts[key]
            else:
                part = self._parts[key] = self._ar1_part(low, high, relative)
            if part is None:
                continue
            residual_squares += part[0]
            lagged += part[1]
            spread += part[2]
            n += part[3]
            degrees += part[3] - _FITTED
        if degrees <= 2:
            return math.nan, 0.0
        variance = max(residual_squares, 0.0) / degrees
        phi = lagged / spread if spread > 1e-12 * max(residual_squares, 1e-300) else 0.0
        # Kendall's bias: a short series understates persistence; correct it, stay stationary.
        phi = min(max(phi + (1.0 + 3.0 * phi) / n, 0.0), MAX_PHI)
        return variance, phi

    def _ar1_part(self, low: int, high: int, relative: bool) -> tuple | None:
        """(residual sum of squares, lagged products, lagged squares, days) of one stretch."""
        stretch = self.sums[high] - self.sums[low]
        count = stretch[0:7]
        n = float(count.sum())
        if n <= _FITTED:
            return None
        total = stretch[7:14]
        means = total / np.maximum(count, 1.0)
        residual_squares = float(stretch[42]) - float(total @ means)
        # Pairs start one day in, so that a pair never reaches before the stretch.
        pairs = self.sums[high] - self.sums[low + 1]
        pair_count, later, earlier = pairs[21:28], pairs[28:35], pairs[35:42]
        before = means[_PREVIOUS_DAY]  # the weekday mean of each weekday's previous day
        lagged = (
            float(pairs[45])
            - float(before @ later)
            - float(means @ earlier)
            + float((means * before) @ pair_count)
        )
        spread = (
            float(pairs[46]) - 2.0 * float(before @ earlier) + float((before * before) @ pair_count)
        )
        if relative:
            level = float(total.sum()) / n + self.centre
            if not level > 0:
                return None
            scale = 1.0 / (level * level)
            residual_squares, lagged, spread = (
                residual_squares * scale,
                lagged * scale,
                spread * scale,
            )
        return residual_squares, lagged, spread, n

    def mean(self, low: int, high: int, least: int = 1) -> float:
        """The plain mean over [low, high); NaN with fewer than ``least`` days of data."""
        stretch = self.sums[high] - self.sums[low]
        count = float(stretch[0:7].sum())
        if count < max(least, 1):
            return math.nan
        return float(stretch[7:14].sum()) / count + self.centre

    def slope(self, low: int, high: int) -> float:
        """Least-squares slope per day of the weekday-adjusted values over [low, high); NaN
        when fewer than three weeks of days have data."""
        found = self._slopes.get((low, high))
        if found is None:
            found = self._slopes[(low, high)] = self._slope(low, high)
        return found

    def _slope(self, low: int, high: int) -> float:
        stretch = self.sums[high] - self.sums[low]
        count = stretch[0:7]
        n = float(count.sum())
        if n < 21:
            return math.nan
        total, days = stretch[7:14], stretch[14:21]
        day_means = days / np.maximum(count, 1.0)
        # Time centred within each weekday, so the weekday means take nothing of the slope.
        spread = float(stretch[44]) - float(days @ day_means)
        if not spread > 0:
            return math.nan
        return (float(stretch[43]) - float(day_means @ total)) / spread


def ar1_standard_error(
    variance: float,
    phi: float,
    before_weights: np.ndarray | None,
    after_weights: np.ndarray | None,
    window: int,
    gap: int,
) -> float:
    """Standard error of (after mean - before mean) under AR(1) noise of this variance and
    persistence. The weights are the per-day weights of the two windows' means; None for a
    window with every day, whose quadratic forms have closed forms."""
    if not math.isfinite(variance):
        return math.nan
    if before_weights is None and after_weights is None:
        return math.sqrt(max(variance * _uniform_correlation(phi, window, gap), 0.0))
    before_weights = _uniform(window) if before_weights is None else before_weights
    after_weights = _uniform(window) if after_weights is None else after_weights
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


def _uniform_correlation(phi: float, n: int, gap: int) -> float:
    """The correlation factor above for two whole windows of n days, in closed form."""
    if phi <= 0.0:
        return 2.0 / n
    # Sum over i, j < n of phi^|i - j|, and of phi^(n - i + j) from a before to an after day.
    ratio = phi**n
    geometric = (1.0 - ratio) / (1.0 - phi)
    within = (n + 2.0 * (phi * (n - geometric) / (1.0 - phi))) / (n * n)
    across = phi**gap * phi * geometric * geometric / (n * n)
    return 2.0 * within - 2.0 * across


@functools.cache
def _uniform(window: int) -> np.ndarray:
    return np.full(window, 1.0 / window)


@functools.cache
def _lags(window: int) -> tuple[np.ndarray, np.ndarray]:
    """Day-to-day lags inside one window, and from a before day to an after day (less the gap)."""
    offsets = np.subtract.outer(np.arange(window), np.arange(window))
    return np.abs(offsets), window - offsets
