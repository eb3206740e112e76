"""How a measured impact reads in words: the verdict's label and a one-line summary for the
texts that carry no colour (the monthly e-mail, Slack). Only an improvement or a worsening
comes with its figure up front; "no clear change" and "inconclusive" say so first, so a small
or uncertain move never reads as a result (docs/impact.md, "The four verdicts").
"""

from __future__ import annotations

from flask_babel import gettext

from collab.kpis.metrics import format_change
from collab.kpis.verdicts import DEFAULT_MATERIAL_PCT

# API.md's four verdicts as people read them (translated where they are shown); an impact
# waiting for data has none yet.
VERDICT_LABELS = {
    "improved": "improved",
    "worsened": "worsened",
    "no_change": "no clear change",
    "inconclusive": "inconclusive",
}
WAITING = "waiting for data"


def clear(verdict: str | None) -> bool:
    """Whether the measurement found a change (either way) rather than none or no answer."""
    return verdict in ("improved", "worsened")


def impact_summary(impact: dict) -> str:
    """{"change_pct": 12.0, "verdict": "improved", ...} -> "+12.0% (improved)";
    no_change -> "no clear change (+1.2%, within ±10%)"; inconclusive -> "inconclusive
    (+4.0%, 95% interval -6.0% to +14.0%)"; no verdict yet -> "waiting for data"."""
    verdict = impact.get("verdict")
    if verdict is None:
        return gettext(WAITING)
    label = gettext(VERDICT_LABELS.get(verdict, verdict.replace("_", " ")))
    change = impact.get("change_pct")
    figure = format_change(change) if change is not None else None
    if clear(verdict):
        return f"{figure} ({label})" if figure else label
    interval = impact.get("ci95_pct")
    if verdict == "no_change":
        pct = f"{impact.get('material_pct', DEFAULT_MATERIAL_PCT):g}"
        detail = gettext("within ±%(pct)s%%", pct=pct)
    elif interval:
        detail = gettext(
            "95%% interval %(low)s to %(high)s",
            low=format_change(interval[0]),
            high=format_change(interval[1]),
        )
    else:
        detail = ""
    said = ", ".join(part for part in (figure, detail) if part)
    return f"{label} ({said})" if said else label
