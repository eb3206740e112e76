"""How measured impacts read on pages: the badge on a finished card, signed percentages in
the ledger and on the task page. The core hands out data (metric, change_pct, verdict); the
words and signs are chosen here."""

from __future__ import annotations

import math

from collab.kpis.metrics import NO_VALUE

# A card has room for a word or two.
SHORT_LABELS = {
    "leads": "leads",
    "spend": "spend",
    "staff_cost": "staff cost",
    "revenue": "revenue",
    "organic_sessions": "sessions",
    "search_ctr": "CTR",
    "conversion_rate": "conversion",
    "lcp_ms": "LCP",
    "not_found_count": "404s",
    "bounce_rate": "bounce",
    "cost_per_lead": "CPL",
    "romi": "ROMI",
}
MINUS = "\u2212"  # a typographic minus lines up with the plus in a column of figures


def badge_text(impact: dict) -> str:
    """{"metric": "leads", "change_pct": 12.04, "verdict": "improved"} -> "leads +12%"."""
    metric = impact["metric"]
    label = SHORT_LABELS.get(metric, metric.replace("_", " "))
    change = impact.get("change_pct")
    if impact.get("verdict") == "no_change" or change is None:
        return f"{label}: no clear change"
    return f"{label} {_signed(change)}"


def signed_pct(value: float | None) -> str:
    """12.04 -> "+12%", -0.52 -> "−0.5%"; a dash when there is no figure."""
    if value is None or not math.isfinite(value):
        return NO_VALUE
    return _signed(value)


def _signed(value: float) -> str:
    rounded = round(value) if abs(value) >= 1 else round(value, 1)
    return f"{'+' if rounded > 0 else ''}{rounded:g}%".replace("-", MINUS)
