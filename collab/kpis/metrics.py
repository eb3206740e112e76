"""What a metric is: its name, unit and good direction, in one place for input, charts and
notes. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricDef:
    name: str
    unit: str  # "count", "money", "percent", "ms", "ratio"
    lower_is_better: bool
    # Derived metrics are computed from the stored ones; importing them too would let the two
    # disagree, so they are refused on the way in.
    derived: bool = False
    non_negative: bool = True
    # The range one day's value may take; None takes the unit's (UNIT_RANGES). Checked on the
    # way in, so sums over channels, derived metrics and the JSON the API answers stay finite.
    minimum: float | None = None
    maximum: float | None = None
    whole: bool | None = None

    def bounds(self) -> Range:
        unit = UNIT_RANGES.get(self.unit, FALLBACK_RANGE)
        low = unit.minimum if self.minimum is None else self.minimum
        if self.non_negative:
            low = max(low, 0.0)
        return Range(
            minimum=low,
            maximum=unit.maximum if self.maximum is None else self.maximum,
            whole=unit.whole if self.whole is None else self.whole,
            smallest=unit.smallest,
        )

    def out_of_range(self, value: float) -> str | None:
        """Why a finite day's value cannot be this metric's, or None."""
        if self.non_negative and value < 0:
            return f"negative {self.name}"
        bounds = self.bounds()
        if not bounds.minimum <= value <= bounds.maximum:
            return (
                f"out of range for {self.name} ({self.unit}): "
                f"from {_plain(bounds.minimum)} to {_plain(bounds.maximum)}"
            )
        if bounds.whole and not value.is_integer():
            return f"not a whole number: {self.name} is a count"
        if value and abs(value) < bounds.smallest:
            return f"too small for {self.unit}: 0, or at least {_plain(bounds.smallest)}"
        return None


def _plain(number: float) -> str:
    return f"{number:,.0f}" if number.is_integer() else f"{number:g}"


@dataclass(frozen=True)
class Range:
    minimum: float
    maximum: float
    whole: bool = False
    # Non-zero magnitudes below this are refused. Money is counted in cents: a spend of 1e-300
    # would make ROMI (revenue - cost) / cost overflow to infinity.
    smallest: float = 0.0


# Generous bounds: no organisation has a trillion leads or spends a trillion a day, and no
# page takes a day to paint. Their job is to keep numbers finite, not to judge them.
# Symmetric, so a metric declared signed (non_negative=False) may go as far below zero.
UNIT_RANGES: dict[str, Range] = {
    "count": Range(-1e12, 1e12, whole=True),
    "money": Range(-1e12, 1e12, smallest=0.01),
    "percent": Range(-100.0, 100.0),
    "ms": Range(-86_400_000.0, 86_400_000.0),
    "ratio": Range(-1e9, 1e9),
}
FALLBACK_RANGE = Range(-1e12, 1e12)


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
