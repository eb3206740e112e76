"""The impact statistics on realistic simulated series: ``python -m bench.impact_validation``.

For every generator of ``bench.impact_generators`` it measures ``count`` series (1,000 by
default) with no effect, a +20% step and a +40% step through the public
``collab.impact.measure_change`` (no control series) and prints one JSON line per generator:

- ``false_alarms``: the share of no-effect series called improved or worsened;
- ``found_20``, ``found_40``: the share of +20% / +40% steps called improved;
- ``no_change_40``: the share of +40% steps called no_change (the worst mistake);
- ``coverage_0/20/40``: how often the 95% interval holds the true change (over the impacts
  that have an interval; ``no_interval_*`` is the share without one);
- ``inconclusive_0/20/40``: the share called inconclusive;
- ``false_alarms_<from>_<to>``, ``found_<effect>_<from>_<to>``: the same with that much
  history (days before the change);
- ``measured``: the share with enough data after the change to be measured at all.

Shares are over measured impacts. docs/impact.md holds the latest table; the seeded test
(tests/unit/test_impact_validation.py) runs fewer series with a tolerance for that.
Arguments: ``--count N``, ``--seed S`` and generator names to run only those.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

from bench.impact_generators import GENERATORS, generate
from collab.impact import measure_change

EFFECTS = (0.0, 0.2, 0.4)


# History bands the table breaks the figures down by (days of data before the change).
BANDS = ((90, 180), (180, 365), (365, 731))


def measure(kind: str, seed: int, count: int, effect: float) -> list[tuple[int, dict]]:
    """(days of history, impact) of each simulated series."""
    return [
        (s.history, measure_change(s.dates, s.values, s.changed_on, started_on=s.started_on))
        for s in generate(kind, seed, count, effect)
    ]


def summary(impacts_by_effect: dict[float, list[tuple[int, dict]]]) -> dict:
    """The validation figures of one generator (see the module's docstring)."""
    row: dict[str, float | int] = {}
    for effect, pairs in impacts_by_effect.items():
        label = str(round(effect * 100))
        figures = _figures([impact for _, impact in pairs], effect)
        if effect == 0.0:
            row["n"] = len(pairs)
            row["measured"] = figures.pop("measured")
            row["false_alarms"] = figures.pop("called")
            figures.pop("improved")
        else:
            figures.pop("measured")
            figures.pop("called")
            row[f"found_{label}"] = figures.pop("improved")
        row.update({f"{name}_{label}": value for name, value in figures.items()})
        for low, high in BANDS:
            band = _figures([i for history, i in pairs if low <= history < high], effect)
            name = "false_alarms" if effect == 0.0 else f"found_{label}"
            row[f"{name}_{low}_{high}"] = band["called" if effect == 0.0 else "improved"]
    return row


def _figures(impacts: list[dict], effect: float) -> dict:
    """Shares over the measured impacts, coverage over those with an interval."""
    measured = [i for i in impacts if i["status"] == "measured"]
    n = max(len(measured), 1)
    verdicts = [i["verdict"] for i in measured]
    true_pct = effect * 100.0
    with_interval = [i["ci95_pct"] for i in measured if i["ci95_pct"]]
    covered = sum(1 for low, high in with_interval if low <= true_pct <= high)
    widths = sorted(high - low for low, high in with_interval)
    return {
        "measured": round(len(measured) / max(len(impacts), 1), 3),
        "called": round(sum(v in ("improved", "worsened") for v in verdicts) / n, 3),
        "improved": round(verdicts.count("improved") / n, 3),
        "no_change": round(verdicts.count("no_change") / n, 3),
        "inconclusive": round(verdicts.count("inconclusive") / n, 3),
        "no_interval": round(1.0 - len(with_interval) / n, 3),
        "coverage": round(covered / max(len(with_interval), 1), 3),
        "median_width": round(widths[len(widths) // 2], 1) if widths else None,
    }


def run(kinds: list[str], count: int, seed: int) -> list[dict]:
    rows = []
    for number, kind in enumerate(kinds):
        started = time.process_time()
        impacts = {
            effect: measure(kind, seed + 1000 * number + e, count, effect)
            for e, effect in enumerate(EFFECTS)
        }
        row = {"generator": kind, **summary(impacts)}
        row["cpu_s"] = round(time.process_time() - started, 1)
        rows.append(row)
    return rows


def pooled_found_40(rows: list[dict]) -> float:
    return round(sum(r["found_40"] for r in rows) / len(rows), 3) if rows else math.nan


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("generators", nargs="*", default=list(GENERATORS))
    args = parser.parse_args(argv)
    rows = run(args.generators, args.count, args.seed)
    for row in rows:
        print(json.dumps(row), flush=True)
    print(json.dumps({"generator": "all", "found_40": pooled_found_40(rows)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
