"""What the metric would have done without the work, and how sure we can be of that.

Pure numpy. The statistic is the change between the before and the after window (of the log
of their means, or of the means themselves where a series can be zero or negative). Left
alone, a series moves anyway: a weekly rhythm (taken out by the window means), a drift, a
season, the market. Each model below predicts that move from something the work did not
touch, and the calibration measures how wrong such predictions were at every *placebo* date
of the series' own past, where nothing was done:

- ``level``: no move expected (the plain before/after comparison);
- ``trend``: the move of the 13 weeks before the before window, scaled by a fitted factor;
- ``last_year``: the move of the same weeks a year earlier (364 days, so weekdays align);
- ``control``: the move of another series the work did not touch (impressions for clicks).

A model's prediction error at the placebo dates gives its spread; where few placebo dates
exist, a model of the noise stands in (a prior worth ``PRIOR_DEGREES`` placebo blocks) and the
t distribution's fat tails pay for the uncertainty of the spread itself. The model with the
narrowest interval wins, but a challenger must beat the plain comparison clearly
(``SWITCH_MARGIN``), so chance alone rarely picks a lucky model. docs/impact.md has the
validation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from collab.kpis import student_t

YEAR_DAYS = 364  # 52 weeks: the same weekdays a year earlier
TREND_DAYS = 91  # 13 weeks of history before the before window show the drift
# The noise model counts as this many independent placebo blocks, so a handful of placebo
# dates cannot talk the interval down, and a long history outweighs the model.
PRIOR_DEGREES = 6.0
# A fitted factor needs this many independent placebo blocks per regressor (plus one half).
MIN_BLOCKS_TO_FIT = 1.5
# A model other than the plain comparison must make the interval this much narrower.
SWITCH_MARGIN = 0.15
CONFIDENCE = 0.95
POWER = 0.80


@dataclass(frozen=True)
class Candidate:
    """One way to predict the move: at date t, ``series[t - near] - series[t - far]``
    (nothing for ``level``), and the noise model's standard error of the statistic once that
    is subtracted with a given factor (the prior, computed lazily)."""

    model: str  # level, trend, last_year or control
    prior: Callable[[float], float]  # factor -> prior standard error
    series: np.ndarray | None = None
    near: int = 0
    far: int = 0
    name: str | None = None  # the control series' name


@dataclass(frozen=True)
class Fit:
    """The chosen model's answer."""

    model: str
    control: str | None
    estimate: float  # observed change less the expected move
    expected: float  # the move the model expected without the work
    standard_error: float
    degrees: int
    half_width: float
    placebo_dates: int  # placebo dates that calibrated it
    calibrated: bool  # whether the placebo dates outweigh the noise model

    @property
    def p_value(self) -> float:
        """Two-sided, from the same t distribution as the interval."""
        return student_t.two_sided_p(self.estimate / self.standard_error, self.degrees)

    @property
    def detectable(self) -> float:
        """The change this measurement detects with 80% power at the 5% level."""
        both = student_t.quantile(1.0 - CONFIDENCE, self.degrees) + student_t.quantile(
            2.0 * (1.0 - POWER), self.degrees
        )
        return both * self.standard_error


def fit(
    stat: np.ndarray,
    observed: float,
    after_at: int,
    before_at: int,
    known: int,
    block: int,
    candidates: Sequence[Candidate],
    memo: dict | None = None,
) -> Fit | None:
    """The best candidate's estimate and interval (None when the change itself is unknown).

    ``stat[t]`` is the statistic of the window starting at t (NaN where unusable);
    ``observed`` is the change between the before window (starting at ``before_at``) and the
    after window (at ``after_at``), which may be measured where ``stat`` would not be; data start at
    ``known``; ``block`` is how many consecutive placebo dates count as one independent one.
    ``memo`` keeps the running placebo sums between calls on the same series (the impact
    job measures thousands of changes on one); it holds the arrays it summed, so an entry is
    only ever reused for those very arrays.
    """
    if math.isnan(observed):
        return None
    memo = {} if memo is None else memo
    best: Fit | None = None
    for candidate in candidates:
        found = _fit_one(stat, observed, after_at, before_at, known, block, candidate, memo)
        if found is None:
            continue
        if best is None or found.half_width < best.half_width * (1.0 - SWITCH_MARGIN):
            best = found
    return best


def _fit_one(
    stat: np.ndarray,
    observed: float,
    after_at: int,
    before_at: int,
    known: int,
    block: int,
    candidate: Candidate,
    memo: dict,
) -> Fit | None:
    span = after_at - before_at
    series, near, far = candidate.series, candidate.near, candidate.far
    if series is None:
        now = 0.0
    else:
        if after_at - far < known:
            return None
        now = float(series[after_at - near] - series[after_at - far])
        if math.isnan(now):
            return None
    key = (id(stat), span, id(series), near, far)
    kept = memo.get(key)
    if kept is None or kept[0] is not stat or kept[1] is not series:
        kept = memo[key] = (stat, series, _PlaceboSums(stat, span, series, near, far))
    sums = kept[2]
    # Placebo dates: every past date whose windows (and the regressor's) hold data, up to the
    # one whose after window is the real before window.
    low, high = known + max(span, far), before_at + 1
    count, squares, products, regressor_squares = sums.between(min(low, high), high)
    if series is None:
        factor, leverage, fitted = 0.0, 0.0, 0
        residual_squares = squares
    elif count / block >= MIN_BLOCKS_TO_FIT and regressor_squares > 0:
        factor = products / regressor_squares
        # A placebo block moves together, so the factor is known as well as from
        # count / block points, not count.
        leverage = now * now / regressor_squares * block
        fitted = 1
        residual_squares = squares - factor * products
    elif candidate.model in ("last_year", "control"):
        # Too little history to fit the factor: a series that moves with this one moves one
        # for one (the same weeks last year, clicks with impressions).
        factor, leverage, fitted = 1.0, 0.0, 0
        residual_squares = squares - 2.0 * products + regressor_squares
    else:
        return None
    prior = candidate.prior(factor)
    if not prior > 0:
        return None
    placebo_degrees = max(count / block - fitted, 0.0)
    mean_square = max(residual_squares, 0.0) / count if count else 0.0
    variance = (PRIOR_DEGREES * prior * prior + placebo_degrees * mean_square) / (
        PRIOR_DEGREES + placebo_degrees
    )
    degrees = max(int(PRIOR_DEGREES + placebo_degrees), 1)
    standard_error = math.sqrt(variance * (1.0 + leverage))
    expected = factor * now
    return Fit(
        model=candidate.model,
        control=candidate.name,
        estimate=observed - expected,
        expected=expected,
        standard_error=standard_error,
        degrees=degrees,
        half_width=student_t.quantile(1.0 - CONFIDENCE, degrees) * standard_error,
        placebo_dates=count,
        calibrated=placebo_degrees >= PRIOR_DEGREES,
    )


class _PlaceboSums:
    """Running sums over placebo dates t of y = stat[t] - stat[t - span] (the change there),
    x = series[t - near] - series[t - far] (the regressor) and their products, over the
    dates where both exist: any range of placebo dates then costs two lookups."""

    def __init__(
        self, stat: np.ndarray, span: int, series: np.ndarray | None, near: int, far: int
    ) -> None:
        change = np.full(stat.size, np.nan)
        change[span:] = stat[span:] - stat[:-span]
        if series is None:
            regressor = np.zeros(stat.size)
        else:
            regressor = np.full(stat.size, np.nan)
            regressor[far:] = series[far - near : series.size - near] - series[: series.size - far]
        ok = ~np.isnan(change) & ~np.isnan(regressor)
        y = np.where(ok, change, 0.0)
        x = np.where(ok, regressor, 0.0)
        columns = np.stack([ok.astype(float), y * y, x * y, x * x], axis=1)
        self.sums = np.concatenate([np.zeros((1, 4)), np.cumsum(columns, axis=0)])

    def between(self, low: int, high: int) -> tuple[int, float, float, float]:
        """(count, sum y^2, sum x y, sum x^2) over placebo dates [low, high)."""
        count, squares, products, regressor_squares = (self.sums[high] - self.sums[low]).tolist()
        return round(count), squares, products, regressor_squares
