"""How measured impacts read on the board: the badge on a finished card. The core hands out
data (metric, change_pct, verdict); the words are chosen here, the signed percentage by the
pages' one formatter (collab.web.filters)."""

from __future__ import annotations

from collab.web.filters import signed_percent

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


def badge_text(impact: dict) -> str:
    """{"metric": "leads", "change_pct": 12.04, "verdict": "improved"} -> "leads +12%"."""
    metric = impact["metric"]
    label = SHORT_LABELS.get(metric, metric.replace("_", " "))
    change = impact.get("change_pct")
    if impact.get("verdict") == "no_change" or change is None:
        return f"{label}: no clear change"
    return f"{label} {signed_percent(change)}"
