"""Before/after measurement of one KPI around a piece of finished work.

Pure statistics over plain sequences: no Flask, no database. The method and its assumptions are
explained in docs/impact.md; the short version is that what the metric would have done anyway
(a drift, the season, a control series' move: ``collab.kpis.counterfactual``) is taken out of
the change, and the uncertainty is calibrated against the same prediction made at "placebo"
dates in the series' own past, so the weekly rhythm, the day-to-day persistence and the slow
moves of real traffic are priced in.

One engine: ``measure_change`` (the public function, API.md) measures one change in a list of
dated values; ``DailySeries`` measures any number of changes in one daily series, which is how
the impact job measures thousands of tasks. The first is the second over the days it reads.
Here the evidence is gathered from the series; ``collab.kpis.verdicts`` judges it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from collab.kpis import counterfactual, noise
from collab.kpis.counterfactual import TREND_DAYS, YEAR_DAYS, Candidate
from collab.kpis.verdicts import (
    DEFAULT_MATERIAL_PCT,
    Evidence,
    Model,
    empty_result,
    judge,
    required_days,
)

# Placebo dates (and last year's weeks) are looked for this far back before the before window;
# older traffic says little about today's noise.
LOOKBACK_DAYS = 730
# With less history than one window before the before window, the noise model is all there is;
# it is widened by this much.
NO_HISTORY_WIDENING = 1.5
# Share of the last move (the change between the window before the before window and the
# before window) that the plain comparison must allow for: a move that was under way may go on.
LAST_MOVE_ALLOWANCE = 0.5
# The last eight weeks' trend: a season turning shows there first.
RECENT_TREND_DAYS = 56
# Days at the end of the before window compared with the after window for a level shift.
RECENT_DAYS = 14


def measure_change(
    dates: Sequence[dt.date],
    values: Sequence[float | None],
    changed_on: dt.date,
    window_days: int = 28,
    lower_is_better: bool = False,
    started_on: dt.date | None = None,
    material_pct: float = DEFAULT_MATERIAL_PCT,
    *,
    controls: Mapping[str, tuple[Sequence[dt.date], Sequence[float | None]]] | None = None,
) -> dict:
    """Compare the window after `changed_on` with the window before the work started.

    ``material_pct``: changes within plus or minus this many percent do not matter (the
    verdict is ``no_change`` only when the whole 95% interval lies inside). ``controls``:
    other series the work did not touch, by name, as (dates, values); the one that predicts
    this series best at placebo dates may stand for what it would have done anyway.

    Returns the impact fields of the public API except `metric` and `confounders`.
    """
    window = _window(window_days)
    changed_on = _as_date(changed_on)
    start = changed_on if started_on is None else min(_as_date(started_on), changed_on)
    first, last = days_read(changed_on, start, window)
    series = DailySeries(_daily_values(dates, values, first, last), first, window)
    shared = {
        name: DailySeries(_daily_values(*pair, first, last), first, window)
        for name, pair in (controls or {}).items()
    }
    return series.measure(changed_on, started_on, lower_is_better, material_pct, shared)


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
        self._running: dict[str, noise.RunningSums] = {}
        self._controls: dict[str, tuple] = {}
        self._placebo_sums: dict = {}

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
        material_pct: float = DEFAULT_MATERIAL_PCT,
        controls: Mapping[str, DailySeries] | None = None,
    ) -> dict:
        """measure_change's answer for this series (controls: other series of the same days)."""
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
                changed_on, started_on, lower_is_better, material_pct, controls
            )
        table = self._windows()
        known = max(reads_from, 0)  # the days before the series have no data
        spots = _Spots(known, before_at, after_at, window)
        evidence = Evidence(
            before_mean=table.mean[before_at],
            before_n=int(table.count[before_at]),
            after_mean=table.mean[after_at],
            after_n=int(table.count[after_at]),
            has_negatives=bool(
                table.negatives[before_at + window] - table.negatives[known]
                or table.negatives[after_at + window] - table.negatives[after_at]
            ),
            zero_windows=bool(table.not_positive[after_at + 1] - table.not_positive[known]),
            history_days=int(table.present_days[before_at] - table.present_days[known]),
            model=lambda relative: self._model(spots, relative, controls or {}),
        )
        result = empty_result(origin, LOOKBACK_DAYS, LOOKBACK_DAYS + window + gap, window)
        result["warnings"] = warnings
        return judge(result, evidence, window, lower_is_better, material_pct)

    def _model(self, at: _Spots, relative: bool, controls: Mapping[str, DailySeries]) -> Model:
        """The counterfactual fit, and what the pre-period says about drifts and shifts."""
        table = self._windows()
        window, known, before_at, after_at = at.window, at.known, at.before_at, at.after_at
        span = after_at - before_at
        stat = table.log_mean if relative else table.level
        end = before_at + window  # the pre-period: [known, end)
        whole = int(table.count[before_at]) == window and int(table.count[after_at]) == window
        before_weights = None if whole else table.weights(before_at)
        after_weights = None if whole else table.weights(after_at)

        def noise_of(sums: noise.RunningSums, first: int, as_relative: bool) -> float:
            variance, phi = sums.ar1(
                [(max(first, known), end), (after_at, after_at + window)], as_relative
            )
            return noise.ar1_standard_error(
                variance, phi, before_weights, after_weights, window, at.gap
            )

        # The plain comparison's noise, allowing for a drift (over the whole pre-period or its
        # last eight weeks, where a season turning shows first) and for the last move going on;
        # of the recent trend and the last move only what the noise cannot explain counts.
        raw_noise = noise_of(self._sums("values"), known, relative)
        if table.present_days[before_at] - table.present_days[known] < window:
            raw_noise *= NO_HISTORY_WIDENING
        level_sums = self._sums("log_values" if relative else "values")
        slope = level_sums.slope(known, end)
        trend_move = slope * span if math.isfinite(slope) else 0.0
        recent_slope = level_sums.slope(max(known, end - RECENT_TREND_DAYS), end)
        recent_trend = recent_slope * span if math.isfinite(recent_slope) else 0.0
        last_move = stat[before_at] - stat[before_at - span] if before_at - span >= known else 0.0
        last_move = last_move if math.isfinite(last_move) else 0.0
        noise_squared = raw_noise * raw_noise
        level_prior = math.sqrt(
            noise_squared
            + max(trend_move**2, recent_trend**2 - noise_squared)
            + LAST_MOVE_ALLOWANCE * max(last_move**2 - noise_squared, 0.0)
        )
        candidates = [
            Candidate("level", lambda factor: level_prior),
            Candidate(
                "trend",
                lambda factor: raw_noise * math.sqrt(1.0 + factor * factor),
                stat,
                near=span,
                far=span + TREND_DAYS,
            ),
        ]
        if known + YEAR_DAYS < before_at:
            yearly = "yearly_log" if relative else "yearly"
            candidates.append(
                Candidate(
                    "last_year",
                    _paired_prior(lambda: noise_of(self._sums(yearly), known + YEAR_DAYS, False)),
                    stat,
                    near=YEAR_DAYS,
                    far=YEAR_DAYS + span,
                )
            )
        if relative:
            for name, control in sorted(controls.items()):
                other, ratio = self._control(name, control)
                candidates.append(
                    Candidate(
                        "control",
                        _paired_prior(lambda ratio=ratio: noise_of(ratio, known, False)),
                        other,
                        near=0,
                        far=span,
                        name=name,
                    )
                )
        before_mean, after_mean = table.mean[before_at], table.mean[after_at]
        if relative:
            observed = math.log(after_mean / before_mean) if after_mean > 0 else -math.inf
        else:
            observed = after_mean - before_mean
        found = counterfactual.fit(
            stat,
            observed,
            after_at,
            before_at,
            known,
            max(window, 7),
            candidates,
            self._placebo_sums,
        )
        recent_mean = self._sums("values").mean(
            max(end - RECENT_DAYS, before_at), end, least=RECENT_DAYS // 2
        )
        return Model(found, trend_move, _statistic(recent_mean, table.mean[before_at], relative))

    def _sums(self, key: str) -> noise.RunningSums:
        """Running sums of the values, their logs, or their change from 364 days before."""
        found = self._running.get(key)
        if found is None:
            table = self._windows()
            daily = table.log_values if key in ("log_values", "yearly_log") else self.values
            if key.startswith("yearly"):
                shifted = np.full(daily.size, np.nan)
                shifted[YEAR_DAYS:] = daily[YEAR_DAYS:] - daily[:-YEAR_DAYS]
                daily = shifted
            found = self._running[key] = noise.RunningSums(daily, table.weekday)
        return found

    def _control(self, name: str, control: DailySeries) -> tuple[np.ndarray, noise.RunningSums]:
        """A control's log window means on this series' days, and the running sums of the log
        ratio of the two series (kept while the same control is asked about)."""
        cached = self._controls.get(name)
        if cached is None or cached[0] is not control:
            other = control._aligned(self)._windows()
            table = self._windows()
            ratio = noise.RunningSums(table.log_values - other.log_values, table.weekday)
            cached = self._controls[name] = (control, other.log_mean, ratio)
        return cached[1], cached[2]

    def _aligned(self, other: DailySeries) -> DailySeries:
        """This series over exactly the days of ``other`` (a control measured beside it)."""
        if (self.first, self.values.size, self.window) == (
            other.first,
            other.values.size,
            other.window,
        ):
            return self
        values = np.full(other.values.size, np.nan)
        offset = (self.first - other.first).days
        low, high = max(offset, 0), min(offset + self.values.size, values.size)
        if low < high:
            values[low:high] = self.values[low - offset : high - offset]
        start = other.first + dt.timedelta(days=other.window)
        return DailySeries(values[other.window :], start, other.window)

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
        with np.errstate(invalid="ignore", divide="ignore"):
            # The statistic of each window: the log of its mean (relative changes), or its mean
            # (absolute changes); NaN where the window lacks data.
            self.level = np.where(self.covered, self.mean, np.nan)
            self.log_mean = np.where(self.covered & (self.mean > 0), np.log(self.mean), np.nan)
            self.log_values = np.where(series > 0, np.log(series), np.nan)
        # Running count of observed windows averaging zero or less: relative changes need none.
        self.not_positive = np.concatenate([[0], np.cumsum(self.covered & (self.mean <= 0))])

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


@dataclass(frozen=True)
class _Spots:
    """Where one measurement reads a series: the first day it may read, and the windows."""

    known: int
    before_at: int
    after_at: int
    window: int

    @property
    def gap(self) -> int:
        return self.after_at - self.before_at - self.window


def _paired_prior(noise_of_pair):
    """The prior of a model that subtracts a second series' move: the noise of the pair's
    difference series (computed once, when first asked), scaled to the fitted factor."""
    cache: list[float] = []

    def prior(factor: float) -> float:
        if not cache:
            cache.append(noise_of_pair())
        return cache[0] * math.sqrt((1.0 + factor * factor) / 2.0)

    return prior


def _statistic(value: float, base: float, relative: bool) -> float:
    """log(value / base) or value - base; NaN when it does not exist."""
    if not (math.isfinite(value) and math.isfinite(base)):
        return math.nan
    if relative:
        return math.log(value / base) if value > 0 and base > 0 else math.nan
    return value - base


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
