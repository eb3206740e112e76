"""What a metric is: its name, unit and good direction, in one place for input, charts and
notes. Pure."""

from __future__ import annotations

from dataclasses import dataclass

NO_VALUE = "—"  # how a missing figure reads
UNITS = ("count", "money", "percent", "ms", "ratio")
# What each derived metric is computed from (collab.kpis.totals computes it).
DERIVED_INPUTS: dict[str, tuple[str, ...]] = {
    "cost_per_lead": ("spend", "staff_cost", "leads"),
    "romi": ("revenue", "spend", "staff_cost"),
}


@dataclass(frozen=True)
class MetricDef:
    name: str
    unit: str  # one of UNITS
    lower_is_better: bool
    # Derived metrics are computed from the stored ones; importing them too would let the two
    # disagree, so they are refused on the way in.
    derived: bool = False
    non_negative: bool = True


DEFAULT_METRICS: dict[str, MetricDef] = {
    m.name: m
    for m in (
        MetricDef("leads", "count", lower_is_better=False),
        MetricDef("spend", "money", lower_is_better=True),
        MetricDef("staff_cost", "money", lower_is_better=True),
        MetricDef("revenue", "money", lower_is_better=False),
        MetricDef("organic_sessions", "count", lower_is_better=False),
        # Percent metrics are stored in percent: 12.0 means 12%, as the API reports changes.
        MetricDef("search_ctr", "percent", lower_is_better=False),
        MetricDef("conversion_rate", "percent", lower_is_better=False),
        MetricDef("lcp_ms", "ms", lower_is_better=True),
        MetricDef("not_found_count", "count", lower_is_better=True),
        MetricDef("bounce_rate", "percent", lower_is_better=True),
        MetricDef("cost_per_lead", "money", lower_is_better=True, derived=True),
        # A campaign can lose money, and that is exactly what ROMI must be able to show.
        MetricDef("romi", "ratio", lower_is_better=False, derived=True, non_negative=False),
    )
}
