"""collab.impact: the four verdicts, the materiality and the models that use what a series
offers (its trend, last year's weeks, a control series).

Small deterministic series, one property each; tests/unit/test_impact_validation.py holds the
method to its targets on many simulated series.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import statistics

import numpy as np
import pytest

from bench.impact_generators import generate
from collab.impact import measure_change
from collab.kpis import student_t
from collab.kpis.verdicts import verdict_of

CHANGED_ON = dt.date(2025, 6, 2)
WINDOW = 28


def days(history: int, after: int = WINDOW) -> list[dt.date]:
    first = CHANGED_ON - dt.timedelta(days=history)
    return [first + dt.timedelta(days=offset) for offset in range(history + after)]


def persistent_noise(rng: np.random.Generator, count: int, spread: float = 0.05) -> np.ndarray:
    """AR(1) noise of the log, phi 0.6, with this stationary spread."""
    phi = 0.6
    shocks = rng.normal(0.0, spread * math.sqrt(1.0 - phi * phi), count)
    noise = np.zeros(count)
    for day in range(1, count):
        noise[day] = phi * noise[day - 1] + shocks[day]
    return noise


def season(count: int, rising_on: int = 0) -> np.ndarray:
    """A yearly swing of about 3x from trough to peak, with a second harmonic; the yearly
    wave rises fastest on day ``rising_on``."""
    day = np.arange(count) - rising_on
    return 0.5 * np.sin(2 * math.pi * day / 365.25) + 0.2 * np.sin(4 * math.pi * day / 365.25 + 1)


# --- the verdict of an interval ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "lower_is_better", "material", "verdict"),
    [
        (2.0, 30.0, False, 10.0, "improved"),
        (2.0, 30.0, True, 10.0, "worsened"),
        (-30.0, -0.5, True, 10.0, "improved"),
        (-30.0, -0.5, False, 10.0, "worsened"),
        (-4.0, 6.0, False, 10.0, "no_change"),
        (-10.0, 10.0, False, 10.0, "no_change"),  # the edges are inside
        (-10.01, 6.0, False, 10.0, "inconclusive"),
        (-4.0, 10.01, True, 10.0, "inconclusive"),
        (-4.0, 6.0, False, 5.0, "inconclusive"),  # a stricter materiality
        (-40.0, 90.0, False, 10.0, "inconclusive"),
        (0.0, 30.0, False, 10.0, "inconclusive"),  # zero is inside the interval
        (-3.0, 4.0, False, None, "inconclusive"),  # no percentage: never "immaterial"
    ],
)
def test_the_verdict_reads_the_interval_against_zero_and_the_materiality(
    low, high, lower_is_better, material, verdict
):
    assert verdict_of(low, high, lower_is_better, material) == verdict


# --- what every impact carries -----------------------------------------------------------------


def calm_series(seed: int, history: int = 400, step: float = 0.0, spread: float = 0.02):
    rng = np.random.default_rng(seed)
    dates = days(history)
    weekly = 1.0 + 0.2 * (np.array([day.weekday() for day in dates]) >= 5)
    values = 1000.0 * weekly * np.exp(persistent_noise(rng, len(dates), spread))
    values[history:] *= 1.0 + step
    return dates, values.tolist()


def test_a_calm_series_without_change_is_no_change_within_its_materiality():
    dates, values = calm_series(1)
    impact = measure_change(dates, values, CHANGED_ON)
    assert impact["material_pct"] == 10.0
    low, high = impact["ci95_pct"]
    assert -10.0 <= low < 0.0 < high <= 10.0
    assert impact["verdict"] == "no_change"
    # A director who calls 1% material turns the same interval into "we cannot tell".
    strict = measure_change(dates, values, CHANGED_ON, material_pct=1.0)
    assert strict["ci95_pct"] == impact["ci95_pct"]
    assert not -1.0 <= low < high <= 1.0
    assert (strict["material_pct"], strict["verdict"]) == (1.0, "inconclusive")
    json.dumps(impact)


def test_the_smallest_detectable_change_is_about_2_8_standard_errors():
    dates, values = calm_series(2, spread=0.05)
    impact = measure_change(dates, values, CHANGED_ON)
    degrees = impact["method"]["degrees_of_freedom"]
    low, high = impact["ci95_pct"]
    # The interval is the log change plus or minus t(0.975) standard errors.
    half = (math.log1p(high / 100.0) - math.log1p(low / 100.0)) / 2.0
    standard_error = half / student_t.quantile(0.05, degrees)
    detectable = (student_t.quantile(0.05, degrees) + student_t.quantile(0.4, degrees)) * (
        standard_error
    )
    assert impact["mde_pct"] == pytest.approx(100.0 * math.expm1(detectable), rel=1e-3)
    assert 2.8 <= detectable / standard_error <= 3.3


def test_waiting_for_data_has_no_verdict_yet():
    dates, values = calm_series(3)
    impact = measure_change(dates[:-5], values[:-5], CHANGED_ON, material_pct=15.0)
    assert impact["status"] == "waiting_for_data"
    assert impact["verdict"] is None and impact["mde_pct"] is None
    assert impact["material_pct"] == 15.0


# --- models: what the series would have done anyway --------------------------------------------


def test_last_years_weeks_take_the_season_out():
    rng = np.random.default_rng(5)
    history = 730
    dates = days(history)
    values = (1000.0 * np.exp(season(len(dates)) + persistent_noise(rng, len(dates)))).tolist()
    impact = measure_change(dates, values, CHANGED_ON)
    assert impact["method"]["model"] == "last_year"
    assert abs(impact["method"]["expected_pct"]) > 20.0  # the season moved it that much
    assert impact["verdict"] in ("no_change", "inconclusive")
    assert impact["ci95_pct"][1] - impact["ci95_pct"][0] < 30.0
    assert any("same weeks last year" in warning for warning in impact["warnings"])
    # Half a year of the same series cannot tell the season from the work: a wide interval.
    short = measure_change(dates[-200:], values[-200:], CHANGED_ON)
    assert short["verdict"] == "inconclusive"
    assert short["ci95_pct"][1] - short["ci95_pct"][0] > 60.0


def test_a_control_series_makes_a_short_seasonal_history_conclusive():
    rng = np.random.default_rng(6)
    history = 150
    dates = days(history)
    count = len(dates)
    # The season rises fastest right at the change: on its own, clicks rise anyway.
    impressions = 20_000.0 * np.exp(
        season(count, rising_on=history) + persistent_noise(rng, count, 0.04)
    )
    clicks = impressions * 0.03 * np.exp(persistent_noise(rng, count, 0.03))
    clicks[history:] *= 1.25  # new meta titles: a quarter more clicks per impression
    alone = measure_change(dates, clicks.tolist(), CHANGED_ON)
    controlled = measure_change(
        dates,
        clicks.tolist(),
        CHANGED_ON,
        controls={"search_impressions": (dates, impressions.tolist())},
    )
    assert alone["verdict"] == "inconclusive"
    assert controlled["method"] | {"expected_pct": None} == controlled["method"] | {
        "model": "control",
        "control": "search_impressions",
        "expected_pct": None,
    }
    low, high = controlled["ci95_pct"]
    assert 0.0 < low < 25.0 < high
    assert controlled["verdict"] == "improved"
    assert any("search_impressions moved by" in warning for warning in controlled["warnings"])


def test_a_drift_before_the_work_is_named():
    rng = np.random.default_rng(4)
    history = 100
    dates = days(history)
    growth = np.exp(0.03 / 7.0 * np.arange(len(dates)))  # +3% a week, no work effect
    values = (1000.0 * growth * np.exp(persistent_noise(rng, len(dates)))).tolist()
    impact = measure_change(dates, values, CHANGED_ON)
    assert impact["verdict"] != "improved"
    assert any("already rising before the work" in warning for warning in impact["warnings"])


def test_a_level_shift_before_the_work_is_named():
    rng = np.random.default_rng(4)
    history = 300
    dates = days(history)
    values = 1000.0 * np.exp(persistent_noise(rng, len(dates), 0.03))
    values[history - 10 :] *= 1.5  # a jump ten days before the work was completed
    impact = measure_change(dates, values.tolist(), CHANGED_ON)
    assert impact["verdict"] != "improved"
    assert any("level shift before the work" in warning for warning in impact["warnings"])


# --- more history, a narrower interval ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["seasonal", "calm", "drift"])
def test_the_interval_narrows_as_history_grows(kind):
    """The same 12 series cut to 120, 240, 365, 500 and 730 days of history: the median
    width never grows by more than a tenth from one length to the next, and a year and more
    of history does better than four months."""
    series = generate(kind, seed=77, count=12, effect=0.0, history=730)
    medians = []
    for history in (120, 240, 365, 500, 730):
        widths = []
        for one in series:
            first = one.changed_on - dt.timedelta(days=history)
            kept = [(d, v) for d, v in zip(one.dates, one.values, strict=True) if d >= first]
            impact = measure_change(
                [d for d, _ in kept],
                [v for _, v in kept],
                one.changed_on,
                started_on=one.started_on,
            )
            widths.append(impact["ci95_pct"][1] - impact["ci95_pct"][0])
        medians.append(statistics.median(widths))
    for shorter, longer in zip(medians, medians[1:], strict=False):
        assert longer <= 1.1 * shorter, medians
    assert medians[-1] < medians[0], medians


def test_texts_without_colour_lead_with_the_verdict_unless_the_change_is_clear():
    from collab.impacts.wording import impact_summary

    base = {"change_pct": 4.04, "ci95_pct": [-6.0, 14.1], "material_pct": 5.0}
    assert impact_summary({**base, "verdict": "improved"}) == "+4.0% (improved)"
    assert impact_summary({**base, "verdict": "worsened"}) == "+4.0% (worsened)"
    assert impact_summary({**base, "verdict": "no_change"}) == "no clear change (+4.0%, within ±5%)"
    assert impact_summary({**base, "verdict": "inconclusive"}) == (
        "inconclusive (+4.0%, 95% interval -6.0% to +14.1%)"
    )
    assert impact_summary({**base, "verdict": None}) == "waiting for data"
