"""The audit's own facts for a task's training note: savings, counts, the worst pages and items.

A note that says "this report estimates 1.2 s and 940 KB saved on /pricing, worst of 12 pages"
persuades where a general paragraph about page speed does not. These figures are the tool's,
taken as it wrote them: never summed across pages where a sum would mean nothing (two pages'
savings do not add up to a faster site), rounded only for reading. Plain JSON types only, so the
note, the API and the database can keep them as they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from collab.audits.findings import Finding, Offender
from collab.audits.routes import METRICS_GROUP

WORST = 5
# What the figure of an offending item means, for a reader; the first one an item carries
# is the one quoted beside it.
_ITEM_FIGURES = (
    ("wasted_ms", "ms", 1),
    ("wasted_bytes", "KB", 1024),
    ("blocking_ms", "ms", 1),
    ("main_thread_ms", "ms", 1),
    ("total_ms", "ms", 1),
    ("duration_ms", "ms", 1),
    ("size_bytes", "KB", 1024),
    ("total_bytes", "KB", 1024),
    ("transfer_bytes", "KB", 1024),
    ("response_s", "s", 1),
)


def training_figures(
    found: Sequence[Finding],
    urls: Sequence[str],
    offenders: Sequence[Offender],
    form_factors: Sequence[str],
) -> dict[str, Any]:
    """A small dict of the group's facts; keys appear only when the tool gave the figure."""
    first = found[0]
    figures: dict[str, Any] = {
        "source": first.source,
        "keys": sorted({f.key for f in found}),
        "pages": len(urls),
        "worst_urls": list(urls[:WORST]),
    }
    if form_factors:
        figures["form_factors"] = list(form_factors)
    savings_ms = _largest(f.savings_ms for f in found)
    if savings_ms:
        figures["savings_ms"] = round(savings_ms)
    savings_bytes = _largest(f.savings_bytes for f in found)
    if savings_bytes:
        figures["savings_kb"] = round(savings_bytes / 1024, 1)
    items = sum(f.count or 0 for f in found if f.source == "lighthouse")
    if items:
        figures["items"] = items
    worst_items = [_item(o) for o in offenders[:WORST] if o.url or o.figures]
    if worst_items:
        figures["worst_items"] = worst_items
    metrics = _metrics(found)
    if metrics:
        figures["metrics"] = metrics
    if first.source != "lighthouse":
        figures.update(_crawl(found))
    return figures


def _largest(values) -> float | None:
    # Lighthouse estimates a negative saving now and then (preloading can cost time); a note
    # quotes only what the work would gain.
    numbers = [v for v in values if isinstance(v, int | float) and math.isfinite(v) and v > 0]
    return max(numbers) if numbers else None


def _item(offender: Offender) -> dict[str, Any]:
    item: dict[str, Any] = {"label": offender.label}
    for name, unit, scale in _ITEM_FIGURES:
        value = offender.figures.get(name)
        if value is not None:
            item["figure"] = round(value / scale, 1)
            item["unit"] = unit
            break
    return item


def _metrics(found: Sequence[Finding]) -> dict[str, Any]:
    """Per metric audit (LCP, TBT...), its worst value over the group's pages, as measured."""
    worst: dict[str, Finding] = {}
    for f in found:
        if f.group != f"lighthouse:{METRICS_GROUP}" or f.numeric_value is None:
            continue
        if f.key not in worst or f.numeric_value > (worst[f.key].numeric_value or 0):
            worst[f.key] = f
    return {
        key: {
            "worst": round(f.numeric_value, 3),
            "unit": f.numeric_unit or "",
            "display": (f.display_value or "").replace("\u00a0", " "),
            "form_factor": f.form_factor,
            "url": f.urls[0] if f.urls else None,
        }
        for key, f in sorted(worst.items())
        if f.numeric_value is not None
    }


def _crawl(found: Sequence[Finding]) -> dict[str, Any]:
    """A crawler's own counts: how many URLs it flagged, its share of the crawl, its priority."""
    out: dict[str, Any] = {}
    counted = [f.count for f in found if f.count is not None]
    if counted:
        out["urls"] = max(counted)
    for name in ("percent_of_total", "priority", "issue_type"):
        values = [f.extra[name] for f in found if f.extra.get(name) is not None]
        if values:
            out[name] = values[0]
    return out
