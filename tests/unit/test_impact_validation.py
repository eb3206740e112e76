"""The impact statistics meet their targets on realistic simulated series (docs/impact.md).

The full validation (``python -m bench.impact_validation``: 1,000 series per generator and
effect) takes minutes; this seeded run measures 150 series per generator with no effect and
with a +40% step, through the public ``measure_change`` without control series, and holds
each target with a tolerance of 2.33 binomial standard errors at the target: a method that
truly meets a target passes on at least 99% of seeds, and these seeds are fixed.
"""

from __future__ import annotations

import math

import pytest

from bench.impact_generators import GENERATORS
from bench.impact_validation import measure

COUNT = 150
SEED = 20260601
Z = 2.33  # one-sided 99%


def tolerance(target: float, count: int) -> float:
    return Z * math.sqrt(target * (1.0 - target) / count)


@pytest.fixture(scope="module")
def impacts() -> dict[str, dict[float, list[dict]]]:
    return {
        kind: {
            effect: [impact for _, impact in measure(kind, SEED + 10 * number, COUNT, effect)]
            for effect in (0.0, 0.4)
        }
        for number, kind in enumerate(GENERATORS)
    }


def measured(items: list[dict]) -> list[dict]:
    found = [i for i in items if i["status"] == "measured"]
    assert len(found) >= 0.7 * len(items)  # missing days leave some after windows short
    return found


def share(items: list[dict], *verdicts: str) -> float:
    return sum(i["verdict"] in verdicts for i in items) / len(items)


@pytest.mark.parametrize("kind", list(GENERATORS))
def test_no_effect_is_rarely_called_a_change(impacts, kind):
    items = measured(impacts[kind][0.0])
    assert share(items, "improved", "worsened") <= 0.05 + tolerance(0.05, len(items))


@pytest.mark.parametrize("kind", list(GENERATORS))
def test_a_40_percent_step_is_almost_never_called_no_change(impacts, kind):
    items = measured(impacts[kind][0.4])
    assert share(items, "no_change") <= 0.05 + tolerance(0.05, len(items))
    assert share(items, "worsened") <= 0.05 + tolerance(0.05, len(items))


@pytest.mark.parametrize("kind", list(GENERATORS))
def test_the_interval_covers_no_effect(impacts, kind):
    items = [i for i in measured(impacts[kind][0.0]) if i["ci95_pct"]]
    covered = sum(i["ci95_pct"][0] <= 0.0 <= i["ci95_pct"][1] for i in items) / len(items)
    assert covered >= 0.95 - tolerance(0.05, len(items))


def test_a_40_percent_step_is_found_across_generators(impacts):
    shares = [share(measured(impacts[kind][0.4]), "improved") for kind in GENERATORS]
    pooled = sum(shares) / len(shares)
    assert pooled >= 0.70 - tolerance(0.70, COUNT * len(shares))
    # Where history and noise allow, nearly always.
    for kind in ("calm", "drift"):
        assert share(measured(impacts[kind][0.4]), "improved") >= 0.9
