"""What a metric is: its name, what people call it, its unit, its good direction and how its
values read, in one place for input, charts, notes and the ledger. Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

from collab.kpis.money import format_money
from collab.platform import numbers
from collab.platform.errors import N_, Refusal

UNITS = ("count", "money", "percent", "ms", "ratio")
# What each derived metric is computed from (collab.kpis.totals computes it).
DERIVED_INPUTS: dict[str, tuple[str, ...]] = {
    "cost_per_lead": ("spend", "staff_cost", "leads"),
    "romi": ("revenue", "spend", "staff_cost"),
}
NO_VALUE = "—"


def _spaced(name: str) -> str:
    return name.replace("_", " ").strip()


@dataclass(frozen=True)
class MetricDef:
    name: str
    unit: str  # one of UNITS
    lower_is_better: bool
    # Derived metrics are computed from the stored ones; importing them too would let the two
    # disagree, so they are refused on the way in.
    derived: bool = False
    non_negative: bool = True
    # How it reads in a sentence ("page load time (LCP, ms)"); the name with spaces if unset.
    label: str = ""
    # The range one day's value may take; None takes the unit's (UNIT_RANGES). Checked on the
    # way in, so sums over channels, derived metrics and the JSON the API answers stay finite.
    minimum: float | None = None
    maximum: float | None = None
    whole: bool | None = None

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", _spaced(self.name))

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

    def out_of_range(self, value: float) -> Refusal | None:
        """Why a finite day's value cannot be this metric's, or None."""
        if self.non_negative and value < 0:
            return Refusal(N_("negative %(metric)s"), metric=self.name)
        bounds = self.bounds()
        if not bounds.minimum <= value <= bounds.maximum:
            return Refusal(
                N_("out of range for %(metric)s (%(unit)s): from %(least)s to %(most)s"),
                metric=self.name,
                unit=self.unit,
                least=_plain(bounds.minimum),
                most=_plain(bounds.maximum),
            )
        if bounds.whole and not value.is_integer():
            return Refusal(N_("not a whole number: %(metric)s is a count"), metric=self.name)
        if value and abs(value) < bounds.smallest:
            return Refusal(
                N_("too small for %(unit)s: 0, or at least %(least)s"),
                unit=self.unit,
                least=_plain(bounds.smallest),
            )
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
        MetricDef("staff_cost", "money", lower_is_better=True, label="staff cost"),
        MetricDef("revenue", "money", lower_is_better=False),
        MetricDef("organic_sessions", "count", lower_is_better=False, label="organic sessions"),
        # Percent metrics are stored in percent: 12.0 means 12%, as the API reports changes.
        MetricDef(
            "search_ctr", "percent", lower_is_better=False, label="search click-through rate"
        ),
        MetricDef("conversion_rate", "percent", lower_is_better=False, label="conversion rate"),
        MetricDef("lcp_ms", "ms", lower_is_better=True, label="page load time (LCP, ms)"),
        MetricDef("not_found_count", "count", lower_is_better=True, label="404 count"),
        MetricDef("bounce_rate", "percent", lower_is_better=True, label="bounce rate"),
        MetricDef(
            "cost_per_lead", "money", lower_is_better=True, derived=True, label="cost per lead"
        ),
        # A campaign can lose money, and that is exactly what ROMI must be able to show.
        MetricDef(
            "romi", "ratio", lower_is_better=False, derived=True, non_negative=False, label="ROMI"
        ),
    )
}


# What the tools' own exports carry (Search Console, Bing, GA4, Yandex Metrica, Google Ads), so
# that their files import as delivered. A block of its own keeps the definitions above as they
# were.
DEFAULT_METRICS.update(
    (m.name, m)
    for m in (
        MetricDef("search_clicks", "count", lower_is_better=False),
        MetricDef("search_impressions", "count", lower_is_better=False),
        # An average rank on the results page, 1 at the top: a smaller number is better. A plain
        # number, so "ratio" (no per cent sign, no currency).
        MetricDef(
            "search_position", "ratio", lower_is_better=True, label="average search position"
        ),
        MetricDef("sessions", "count", lower_is_better=False),
        MetricDef("active_users", "count", lower_is_better=False),
        MetricDef("ad_clicks", "count", lower_is_better=False),
        MetricDef("ad_impressions", "count", lower_is_better=False),
    )
)


def metric_label(metric: str) -> str:
    """How a metric reads in a sentence: ``lcp_ms`` -> "page load time (LCP, ms)"; an
    organisation's own metric by its name, spaced."""
    known = DEFAULT_METRICS.get(metric)
    return known.label if known else _spaced(str(metric))


def unit_of(metric: str) -> str:
    """The unit of a built-in metric, "" for any other: where an organisation's own metrics
    may appear, read their units from ``collab.kpis.custom_metrics.metric_definitions``."""
    known = DEFAULT_METRICS.get(metric)
    return known.unit if known else ""


def format_short(
    value: float | None, unit: str = "", currency: str | None = None, language: str = "en"
) -> str:
    """A value where space is short (pages, chart axes), its precision following its size:
    1,234 / 123 / 12.3 / 1.23 / 0.123, whole numbers without decimals (14 leads, never
    14.0), and % for percent metrics. Money with a ``currency`` carries it ("$1,234",
    "$12.50"). No figure (None, NaN, a flag) reads as a dash. ``language`` writes it its way
    ("1 234", "12,3 %")."""
    if not isinstance(value, Real) or isinstance(value, bool) or not math.isfinite(value):
        return NO_VALUE
    size = abs(value)
    if unit == "money" and currency:
        return format_money(value, currency, 0 if size >= 100 else None, language)
    if float(value).is_integer() or size >= 100:
        places = 0
    elif size >= 10:
        places = 1
    elif size >= 1:
        places = 2
    else:
        places = 3
    if unit == "percent":
        return numbers.percent(value, places, language)
    return numbers.decimal(value, places, language)


def format_full(
    value: float, unit: str = "", currency: str | None = None, language: str = "en"
) -> str:
    """A value in a sentence: money with its cents ("1,250.00", or "$1,250.00" with a
    ``currency``), whole numbers without decimals, everything else as precise as it needs
    to be."""
    if unit == "money":
        if currency:
            return format_money(value, currency, language=language)
        return numbers.decimal(value, 2, language)
    if float(value).is_integer():
        return numbers.decimal(value, 0, language)
    if abs(value) >= 100:
        return numbers.decimal(value, 1, language)
    if abs(value) >= 1:
        return numbers.decimal(value, 2, language)
    return numbers.significant(value, 3, language)


def format_change(change_pct: float) -> str:
    """A change in percent, signed, one decimal: +12.0%, -8.0%, 0.0%."""
    rounded = round(float(change_pct), 1)
    if rounded == 0:
        return "0.0%"
    return f"{rounded:+.1f}%"
