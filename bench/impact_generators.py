"""Realistic daily KPI series for validating the impact statistics (docs/impact.md).

Each generator draws series the way real traffic misbehaves: a yearly season that doubles or
halves from one month to the next, level shifts nobody planned, slow drifts, missing days,
counts of a few a day. Every series has a weekly rhythm, day-to-day persistence (AR(1) noise)
and a slow wander, and 90 to 730 days of history before the change; the work takes 0 to 14
days (``started_on``), and ``effect`` is a relative step that starts on ``changed_on``.

Pure numpy and seeded: the same seed draws the same series. The seeded test
(tests/unit/test_impact_validation.py) and the full run (``python -m bench.impact_validation``)
both draw from here.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

WINDOW = 28
MIN_HISTORY, MAX_HISTORY = 90, 730
MAX_GAP = 14
# Every series is cut from one grid of days; the change lands on a random day of the year.
CHANGED_BASE = dt.date(2025, 1, 1)
SPAN = MAX_HISTORY + WINDOW


@dataclass(frozen=True)
class Series:
    """One simulated metric around one piece of work."""

    dates: list[dt.date]
    values: list[float | None]
    changed_on: dt.date
    started_on: dt.date
    history: int  # days with a place in the series before changed_on


def generate(
    kind: str, seed: int, count: int, effect: float, history: int | None = None
) -> list[Series]:
    """``count`` series of one generator with a relative step ``effect`` at the change, with
    90 to 730 days of history (or exactly ``history``)."""
    rng = np.random.default_rng(seed)
    draw = GENERATORS[kind]
    log_values, counts = draw(rng, count)
    drawn = rng.integers(MIN_HISTORY, MAX_HISTORY + 1, count)
    history = drawn if history is None else np.full(count, min(int(history), MAX_HISTORY))
    gap = rng.integers(0, MAX_GAP + 1, count)
    shift_days = rng.integers(0, 365, count)
    step = np.zeros((count, SPAN))
    step[:, MAX_HISTORY:] = math.log1p(effect)
    if counts is None:
        values = np.exp(log_values + step)
    else:
        # Counts: the step multiplies the expected count, and the day's count is drawn from it.
        values = rng.poisson(counts * np.exp(log_values + step)).astype(float)
    missing = _missing(rng, kind, count)
    out = []
    for i in range(count):
        changed_on = CHANGED_BASE + dt.timedelta(days=int(shift_days[i]))
        first_index = MAX_HISTORY - int(history[i])
        row = values[i, first_index:]
        keep = ~missing[i, first_index:]
        first = changed_on - dt.timedelta(days=int(history[i]))
        dates = [first + dt.timedelta(days=int(d)) for d in np.flatnonzero(keep)]
        out.append(
            Series(
                dates=dates,
                values=row[keep].tolist(),
                changed_on=changed_on,
                started_on=changed_on - dt.timedelta(days=int(gap[i])),
                history=int(history[i]),
            )
        )
    return out


# --- the components ----------------------------------------------------------------------------


def _base(rng: np.random.Generator, count: int, slow_sd: float = 0.03) -> np.ndarray:
    """Log of a level between 100 and 10,000 a day, a weekly rhythm, AR(1) noise and a slow
    wander (a second AR(1) with a memory of months)."""
    level = rng.uniform(math.log(100.0), math.log(10_000.0), (count, 1))
    days = np.arange(SPAN)
    weekday_effect = rng.normal(0.0, 1.0, (count, 7))
    weekday_effect -= weekday_effect.mean(axis=1, keepdims=True)
    weekday_effect *= rng.uniform(0.05, 0.25, (count, 1)) / weekday_effect.std(
        axis=1, keepdims=True
    )
    weekly = np.take_along_axis(weekday_effect, np.broadcast_to(days % 7, (count, SPAN)), axis=1)
    noise = _ar1(
        rng, count, rng.uniform(0.3, 0.85, (count, 1)), rng.uniform(0.04, 0.12, (count, 1))
    )
    slow = _ar1(rng, count, np.full((count, 1), 0.98), np.full((count, 1), slow_sd))
    return level + weekly + noise + slow


def _ar1(
    rng: np.random.Generator, count: int, phi: np.ndarray, stationary_sd: np.ndarray
) -> np.ndarray:
    """AR(1) paths with the given persistence and stationary spread, started in equilibrium."""
    shocks = rng.normal(0.0, 1.0, (count, SPAN)) * stationary_sd * np.sqrt(1.0 - phi**2)
    path = np.empty((count, SPAN))
    path[:, 0] = rng.normal(0.0, 1.0, count) * stationary_sd[:, 0]
    for day in range(1, SPAN):
        path[:, day] = phi[:, 0] * path[:, day - 1] + shocks[:, day]
    return path


def _season(rng: np.random.Generator, count: int) -> np.ndarray:
    """A yearly profile with three harmonics, scaled so that its steepest 30 days change the
    level by a factor of 1.6 to 2.2 (up or down); it repeats every year (the slow wander and
    the noise make each year a little different)."""
    days = np.arange(SPAN)[None, :]
    profile = np.zeros((count, SPAN))
    for harmonic in (1, 2, 3):
        amplitude = rng.normal(0.0, 1.0, (count, 1)) / harmonic
        phase = rng.uniform(0.0, 2.0 * math.pi, (count, 1))
        profile += amplitude * np.sin(2.0 * math.pi * harmonic * days / 365.25 + phase)
    steepest = np.abs(profile[:, 30:395] - profile[:, :365]).max(axis=1, keepdims=True)
    target = np.log(rng.uniform(1.6, 2.2, (count, 1)))
    return profile * target / steepest


def _shifts(rng: np.random.Generator, count: int) -> np.ndarray:
    """One to three lasting level shifts of 15-50% up or down, anywhere before the before
    window (a shift between the windows is indistinguishable from the work's effect)."""
    out = np.zeros((count, SPAN))
    last = MAX_HISTORY - MAX_GAP - WINDOW  # the earliest a before window can start
    for i in range(count):
        for _ in range(int(rng.integers(1, 4))):
            day = int(rng.integers(0, last))
            size = rng.uniform(0.15, 0.5) * rng.choice((-1.0, 1.0))
            out[i, day:] += math.log1p(size) if size > 0 else math.log(1.0 + size)
    return out


def _drift(rng: np.random.Generator, count: int) -> np.ndarray:
    """A straight-line drift of the level, from -30% to +80% a year of where it started two
    years before the change."""
    yearly = rng.uniform(-0.3, 0.8, (count, 1))
    return np.log(1.0 + yearly * np.arange(SPAN)[None, :] / 365.0)


def _missing(rng: np.random.Generator, kind: str, count: int) -> np.ndarray:
    missing = np.zeros((count, SPAN), dtype=bool)
    if kind not in ("missing_days", "mixed"):
        return missing
    rate = rng.uniform(0.0, 0.08, (count, 1))
    missing |= rng.random((count, SPAN)) < rate
    # Gaps of one to six weeks (a broken tag, a lost export) anywhere before the change.
    for i in range(count):
        for _ in range(int(rng.integers(0, 3))):
            length = int(rng.integers(5, 41))
            start = int(rng.integers(0, MAX_HISTORY - length))
            missing[i, start : start + length] = True
    return missing


# --- the generators ----------------------------------------------------------------------------


def _calm(rng, count):
    return _base(rng, count), None


def _seasonal(rng, count):
    return _base(rng, count) + _season(rng, count), None


def _level_shifts(rng, count):
    return _base(rng, count) + _shifts(rng, count), None


def _drifting(rng, count):
    return _base(rng, count) + _drift(rng, count), None


def _missing_days(rng, count):
    return _base(rng, count), None


def _near_zero(rng, count):
    """Counts of a few a day (leads, 404s): the expected count is 0.3 to 5."""
    base = _base(rng, count)
    base -= base.mean(axis=1, keepdims=True)  # keep only the shape
    expected = rng.uniform(0.3, 5.0, (count, 1))
    return base, expected


def _mixed(rng, count):
    """Each feature with probability one half: what a real organisation's series look like."""
    log_values = _base(rng, count)
    for feature in (_season, _shifts, _drift):
        chosen = rng.random((count, 1)) < 0.5
        log_values = log_values + np.where(chosen, feature(rng, count), 0.0)
    return log_values, None


GENERATORS = {
    "calm": _calm,
    "seasonal": _seasonal,
    "level_shifts": _level_shifts,
    "drift": _drifting,
    "missing_days": _missing_days,
    "near_zero": _near_zero,
    "mixed": _mixed,
}
