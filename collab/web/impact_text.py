"""How measured impacts read on the pages: the badge on a finished card and what would make
an inconclusive measurement conclusive. The core hands out data (the impact); the words are
chosen here, the verdict's words and the signed percentage by the pages' one vocabulary and
formatter (collab.web.filters). Only an improvement is green: the stylesheet colours by verdict.
"""

from __future__ import annotations

import math

from flask import Flask

from collab.impacts.wording import VERDICT_LABELS, clear
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
    "search_clicks": "clicks",
    "search_impressions": "impressions",
    "search_position": "position",
}
# A year of history and the two windows: from then on last year's weeks can stand for the season.
YEAR_OF_HISTORY = 364 + 2 * 28
# Doubling both windows shrinks the standard error of their difference by about this much.
LONGER_WINDOWS = math.sqrt(2.0)


def badge_text(impact: dict) -> str:
    """{"metric": "leads", "change_pct": 12.04, "verdict": "improved"} -> "leads +12%";
    a measurement that found no change, or cannot tell, says so instead of a figure that
    would read as a result."""
    metric = impact["metric"]
    label = SHORT_LABELS.get(metric, metric.replace("_", " "))
    change = impact.get("change_pct")
    verdict = impact.get("verdict")
    if clear(verdict) and change is not None:
        return f"{label} {signed_percent(change)}"
    return f"{label}: {VERDICT_LABELS.get(verdict, 'inconclusive')}"


def conclusive_hints(impact: dict) -> list[str]:
    """For an inconclusive impact: what would let the next measurement decide."""
    if impact.get("status") != "measured" or impact.get("verdict") != "inconclusive":
        return []
    method = impact.get("method") or {}
    hints = []
    material, detectable = impact.get("material_pct"), impact.get("mde_pct")
    if detectable is not None and material is not None and detectable > material:
        hints.append(
            f"This measurement can only tell changes of about {detectable:.0f}% or more from "
            f"the metric's own ups and downs; changes of {material:g}% matter."
        )
    history = method.get("history_days") or 0
    if history < YEAR_OF_HISTORY and method.get("model") != "last_year":
        hints.append(
            f"More history: {history} days of data come before the before window. With "
            f"{YEAR_OF_HISTORY} days, the same weeks of last year stand for the season and "
            "the interval is calibrated on the metric's own past."
        )
    elif method.get("calibration") != "placebo":
        hints.append(
            "More history: the interval still leans on a model of the day-to-day noise; "
            "every further month of data before the work calibrates it on the metric itself."
        )
    if detectable is not None:
        hints.append(
            "A longer after window: over 8 weeks instead of 4, changes of about "
            f"{detectable / LONGER_WINDOWS:.0f}% would be detectable (measure_change's "
            "window_days, or measure again later)."
        )
    if method.get("model") != "control":
        hints.append(
            "A control metric: one this work does not move but that follows the same season "
            "and market (search impressions for clicks, all sessions for leads), recorded "
            "daily beside this one."
        )
    before = impact.get("before") or {}
    if before.get("n") is not None and before.get("n") < 28:
        hints.append("Complete data for the 4 weeks before the work started.")
    return hints


def install(app: Flask) -> None:
    app.jinja_env.filters.update(conclusive_hints=conclusive_hints)
