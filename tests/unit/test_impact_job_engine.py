"""One engine: a DailySeries shared by thousands of measurements answers exactly what
measure_change answers for each of them.

The impact job measures thousands of (task, metric) pairs against one series per metric
(collab.kpis.statistics.DailySeries, built once). These seeded random cases hold it to
measure_change, field for field, however far the series reaches beyond the days a
measurement reads, and whether or not it reaches that far at all.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from collab.impacts.measuring import fingerprint
from collab.kpis.statistics import DailySeries, days_read, measure_change

FIRST = dt.date(2023, 1, 2)


def _series(rng: np.random.Generator, days: int, kind: str) -> np.ndarray:
    level = {"traffic": 1000.0, "rate": 2.5, "romi": 0.4, "sparse": 3.0}[kind]
    noise = np.zeros(days)
    shocks = rng.normal(0.0, 0.05, days)
    for i in range(1, days):
        noise[i] = 0.8 * noise[i - 1] + shocks[i]
    weekly = 1.0 + 0.3 * np.sin(2 * math.pi * np.arange(days) / 7 + rng.uniform(0, 6))
    values = level * weekly * (1.0 + noise)
    if kind == "romi":
        values = values - 0.5  # crosses zero: the additive path
    if kind == "sparse":
        values = np.round(rng.poisson(level, days).astype(float))  # many zeros
    step = rng.choice([0.0, 0.15, -0.2])
    values[days // 2 :] *= 1.0 + step
    return values


def _with_gaps(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    values = values.copy()
    values[rng.random(values.size) < rng.choice([0.0, 0.02, 0.15])] = np.nan
    if rng.random() < 0.3:
        start = rng.integers(0, values.size)
        values[start : start + rng.integers(5, 60)] = np.nan
    return values


def _cases(count: int, seed: int):
    rng = np.random.default_rng(seed)
    for case in range(count):
        kind = ["traffic", "traffic", "rate", "romi", "sparse"][case % 5]
        days = int(rng.integers(120, 900))
        values = _with_gaps(rng, _series(rng, days, kind))
        changed = FIRST + dt.timedelta(days=int(rng.integers(days // 3, days + 20)))
        roll = rng.random()
        if roll < 0.4:
            started = None
        elif roll < 0.9:
            started = changed - dt.timedelta(days=int(rng.integers(0, 40)))
        else:
            started = changed + dt.timedelta(days=3)  # recorded after completion
        window = int(rng.choice([28, 28, 28, 14, 7, 35, 5]))
        lower = bool(rng.random() < 0.3)
        yield values, changed, started, window, lower


def _with_control(rng: np.random.Generator, values: np.ndarray):
    """Half the cases get a control series that moves with the metric, and a materiality."""
    if rng.random() < 0.5:
        return None, 10.0
    control = np.abs(values) * np.exp(rng.normal(0.0, 0.05, values.size)) + 1.0
    return _with_gaps(rng, control), float(rng.choice([5.0, 10.0, 20.0]))


def _dated(values: np.ndarray):
    present = np.flatnonzero(~np.isnan(values))
    return [FIRST + dt.timedelta(days=int(i)) for i in present], values[present].tolist()


def _direct(values, changed, started, window, lower, control=None, material=10.0):
    dates, kept = _dated(values)
    return measure_change(
        dates,
        kept,
        changed,
        window_days=window,
        lower_is_better=lower,
        started_on=started,
        material_pct=material,
        controls=None if control is None else {"control": _dated(control)},
    )


def _shared(values, changed, started, window, pad: int | None) -> DailySeries:
    """The series as the job builds it: from before the before window (and ``pad`` more days)
    to past the after window. With pad None, just the data, which may end too soon."""
    if pad is None:
        return DailySeries(values, FIRST, window)
    start = min(changed, started or changed)
    first_needed = start - dt.timedelta(days=window)
    first = min(FIRST, first_needed) - dt.timedelta(days=pad)
    last = max(FIRST + dt.timedelta(days=values.size - 1), changed + dt.timedelta(days=window))
    padded = np.full((last - first).days + 1, np.nan)
    offset = (FIRST - first).days
    padded[offset : offset + values.size] = values
    return DailySeries(padded, first, window)


@pytest.mark.parametrize("seed", range(4))
def test_a_shared_series_answers_what_measure_change_answers(seed):
    rng = np.random.default_rng(100 + seed)
    for count, (values, changed, started, window, lower) in enumerate(_cases(40, seed)):
        control, material = _with_control(rng, values)
        expected = _direct(values, changed, started, window, lower, control, material)
        for pad in (0, 400, None):
            series = _shared(values, changed, started, window, pad)
            controls = {}
            if control is not None:
                # The job's controls share the series' days; a control of other days is
                # aligned to them.
                controls["control"] = _shared(control, changed, started, window, pad or 17)
            answer = series.measure(changed, started, lower, material, controls)
            assert answer == expected, (seed, count, pad)


def test_one_series_measures_many_changes():
    """Two years of complete daily data, one series, a change every week."""
    rng = np.random.default_rng(3)
    values = _series(rng, 760, "traffic")
    series = DailySeries(values, FIRST, 28)
    for offset in range(400, 760 - 28, 7):
        changed = FIRST + dt.timedelta(days=offset)
        started = changed - dt.timedelta(days=int(rng.integers(0, 20)))
        assert series.measure(changed, started, False) == _direct(
            values, changed, started, 28, False
        )


def test_days_read_are_the_lookback_the_windows_and_the_work_between():
    changed = dt.date(2025, 6, 30)
    assert days_read(changed, dt.date(2025, 6, 20), 28) == (
        dt.date(2025, 6, 20) - dt.timedelta(days=28 + 730),
        dt.date(2025, 7, 27),
    )
    # Work recorded as started after it was completed: the before window ends at completion.
    assert days_read(changed, changed + dt.timedelta(days=3), 28) == days_read(changed, None, 28)


def _digest(values: np.ndarray, first: dt.date, changed, started=None, lower=False, **more) -> str:
    return fingerprint(DailySeries(values, first), changed, started, lower, **more)


def test_fingerprint_follows_the_inputs_and_only_them():
    rng = np.random.default_rng(5)
    values = _series(rng, 900, "traffic")
    changed = FIRST + dt.timedelta(days=800)
    digest = _digest(values, FIRST, changed)
    assert digest == _digest(values.copy(), FIRST, changed)
    # The same data in a longer series: the same inputs, so the same fingerprint.
    longer = np.concatenate([np.full(30, np.nan), values, np.full(10, np.nan)])
    assert _digest(longer, FIRST - dt.timedelta(days=30), changed) == digest
    # Outside what the measurement reads: no change. Inside the lookback or the after
    # window: a new fingerprint.
    early = values.copy()
    early[0] += 1
    assert _digest(early, FIRST, changed) == digest
    for day in (800 - 28 - 700, 800 - 1, 800 + 27):
        moved = values.copy()
        moved[day] += 1
        assert _digest(moved, FIRST, changed) != digest
    assert _digest(values, FIRST, changed, changed - dt.timedelta(days=3)) != digest
    assert _digest(values, FIRST, changed, lower=True) != digest
    # The materiality and the control series are inputs too.
    assert _digest(values, FIRST, changed, material_pct=10.0) == digest
    assert _digest(values, FIRST, changed, material_pct=15.0) != digest
    control = {"search_impressions": DailySeries(values * 2.0, FIRST)}
    with_control = _digest(values, FIRST, changed, controls=control)
    assert with_control != digest
    moved = {"search_impressions": DailySeries(values * 2.0 + 1.0, FIRST)}
    assert _digest(values, FIRST, changed, controls=moved) != with_control
