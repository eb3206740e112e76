"""An audit finding in words: each page's figures, a recommendation's description, and the
facts a training note quotes.

Pure. The words quote the tool (its savings, its measurements, its counts) and never invent a
total: two pages' savings do not add up to anything a visitor feels.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from collab.audits.findings import AuditBatch, FindingGroup
from collab.platform.i18n import current_language

MAX_DETAIL = 300
WORST_PAGES_SHOWN = 10
MAX_DESCRIPTION = 6_000
_TOOLS = {"lighthouse": "Lighthouse", "screaming_frog": "Screaming Frog", "csv": _l("The crawler")}
# Lighthouse's form factors, as the pages say them.
_FORM_WORDS = (_l("mobile"), _l("desktop"))
# Lighthouse's metric audits, by the names people use for them.
METRIC_NAMES = {
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "first-contentful-paint": "FCP",
    "speed-index": "Speed Index",
    "interactive": "Time to Interactive",
    "max-potential-fid": "Max Potential FID",
    "first-meaningful-paint": "FMP",
    "interaction-to-next-paint": "INP",
    "experimental-interaction-to-next-paint": "INP",
}
# A crawl row's figures, as a sentence part: (words before, unit after, scale).
_ROW_FIGURES = {
    "status_code": ("status ", "", 1),
    "size_bytes": ("", " KB", 1024),
    "response_s": ("responds in ", " s", 1),
    "word_count": ("", " words", 1),
    "title_length": ("title of ", " characters", 1),
    "title_pixels": ("title of ", " px", 1),
    "description_length": ("description of ", " characters", 1),
    "description_pixels": ("description of ", " px", 1),
    "unique_inlinks": ("linked from ", " pages", 1),
}
# The figures that speak to an issue, by the start of its key; others say how heavy and how
# linked a page is, which ranks any issue.
_FIGURES_OF_ISSUE = (
    ("response_codes", ("status_code", "unique_inlinks")),
    ("page_titles", ("title_length", "title_pixels")),
    ("meta_description", ("description_length", "description_pixels")),
    ("content", ("word_count",)),
    ("page_size", ("size_bytes",)),
    ("response_times", ("response_s",)),
)
_GENERAL_FIGURES = ("size_bytes", "response_s", "unique_inlinks")


def page_details(batch: AuditBatch, group: FindingGroup) -> dict[str, str]:
    """Each affected page's figures in a few words, for the pages that have any."""
    if group.source == "lighthouse":
        return _lighthouse_pages(batch, group)
    details: dict[str, str] = {}
    key = group.key.split(":", 1)[-1]
    names = next((n for start, n in _FIGURES_OF_ISSUE if key.startswith(start)), _GENERAL_FIGURES)
    for offender in group.offenders:
        if offender.url and offender.url not in details:
            words = _row_words(offender.figures, names) or offender.note
            if words:
                details[offender.url] = words[:MAX_DETAIL]
    return details


def _lighthouse_pages(batch: AuditBatch, group: FindingGroup) -> dict[str, str]:
    found = [batch.findings[i] for i in group.findings]
    per_page: dict[str, dict[str, Any]] = {}
    for f in found:
        for url in f.urls:
            page = per_page.setdefault(url, {"ms": 0.0, "bytes": 0.0, "forms": set(), "m": {}})
            page["ms"] = max(page["ms"], _positive(f.savings_ms))
            page["bytes"] = max(page["bytes"], _positive(f.savings_bytes))
            if f.form_factor:
                page["forms"].add(f.form_factor)
            if f.key in METRIC_NAMES and f.display_value:
                page["m"].setdefault(METRIC_NAMES[f.key], f.display_value.replace("\u00a0", " "))
    details = {}
    for url, page in per_page.items():
        parts = []
        if page["m"]:
            parts.append(", ".join(f"{name} {shown}" for name, shown in sorted(page["m"].items())))
        savings = []
        if page["ms"]:
            savings.append(f"{page['ms']:,.0f} ms")
        if page["bytes"]:
            savings.append(f"{page['bytes'] / 1024:,.0f} KB")
        if savings:
            parts.append("saves ~" + ", ".join(savings))
        if page["forms"]:
            parts.append(" and ".join(sorted(page["forms"])))
        if parts:
            details[url] = "; ".join(parts)[:MAX_DETAIL]
    return details


def _row_words(figures: Mapping[str, float], names: Sequence[str]) -> str:
    parts = []
    for name in names:
        before, after, scale = _ROW_FIGURES[name]
        value = figures.get(name)
        if isinstance(value, int | float) and math.isfinite(value):
            shown = value / scale
            text = f"{shown:,.0f}" if shown >= 10 or shown == int(shown) else f"{shown:.2f}"
            parts.append(f"{before}{text}{after}")
    return ", ".join(parts)


def _positive(value: float | None) -> float:
    return value if isinstance(value, int | float) and math.isfinite(value) and value > 0 else 0.0


def figure_lines(figures: Mapping[str, Any]) -> list[str]:
    """The group's facts as short sentences, in the order a reader wants them: how many
    pages, which form factors, the savings, the measured metrics, the crawler's counts. Said
    in the language being written in: a note words them for its reader."""
    lines = []
    tool = str(_TOOLS.get(figures.get("source", ""), _l("The audit")))
    pages = figures.get("pages") or 0
    counted = figures.get("urls")
    if pages:
        where = ngettext(
            "%(tool)s found this on %(count)s page",
            "%(tool)s found this on %(count)s pages",
            pages,
            tool=tool,
            count=_count(pages),
        )
    elif counted:
        where = ngettext(
            "%(tool)s counts %(count)s URL with this issue",
            "%(tool)s counts %(count)s URLs with this issue",
            counted,
            tool=tool,
            count=_count(counted),
        )
    else:
        where = gettext("%(tool)s reports this issue", tool=tool)
    forms = figures.get("form_factors") or []
    if forms:
        where += f" ({_both(*(gettext(form) for form in forms))})"
    share = figures.get("percent_of_total")
    if isinstance(share, int | float):
        where += gettext(", %(share)s%% of the crawl", share=_count(share, "g"))
    lines.append(where + ".")
    savings = []
    if figures.get("savings_ms"):
        savings.append(gettext("%(num)s ms", num=_count(figures["savings_ms"])))
    if figures.get("savings_kb"):
        savings.append(gettext("%(num)s KB", num=_count(figures["savings_kb"])))
    if savings:
        lines.append(
            gettext("Estimated saving on the worst page: %(savings)s.", savings=_both(*savings))
        )
    metrics = figures.get("metrics") or {}
    if metrics:
        measured = [
            f"{METRIC_NAMES.get(key, key)} {value.get('display') or value.get('worst')}"
            for key, value in metrics.items()
            if isinstance(value, dict)
        ]
        lines.append(gettext("Worst measurements: %(measured)s.", measured=", ".join(measured)))
    if figures.get("priority"):
        # The crawler's High, Medium and Low are collab's priority words too.
        rated = gettext(str(figures["priority"]).capitalize()).lower()
        lines.append(gettext("The crawler rates it %(priority)s priority.", priority=rated))
    worst = figures.get("worst_urls") or []
    if worst:
        lines.append(gettext("Worst pages: %(pages)s.", pages=", ".join(worst[:3])))
    items = figures.get("worst_items") or []
    if items:
        named = [
            f"{i['label']} ({_count(i['figure'])} {i['unit']})" if "figure" in i else i["label"]
            for i in items[:3]
            if isinstance(i, dict) and i.get("label")
        ]
        if named:
            lines.append(gettext("Worst items: %(items)s.", items="; ".join(named)))
    return lines


def _both(*parts: str) -> str:
    if len(parts) == 2:
        return gettext("%(first)s and %(second)s", first=parts[0], second=parts[1])
    return ", ".join(parts)


def _count(value: float, spec: str = ",") -> str:
    """A figure as the tool gave it ("1,230", "96.5"), with the reader's separators."""
    text = format(value, spec)
    if current_language() == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def description(
    tool_text: str,
    urls: Sequence[Sequence[str | None]],
    figures: Mapping[str, Any],
    audited_on: dt.date,
) -> str:
    """The recommendation's Markdown: the facts, the tool's own explanation, the worst pages
    with their figures. The complete URL list is the recommendation's, not the text's."""
    # Stored with the recommendation, as the agency's own text is: in English, whoever imports.
    with force_locale("en"):
        facts = " ".join(figure_lines(figures))
    parts = [f"*From the audit of {audited_on.isoformat()}.* " + facts]
    if tool_text.strip():
        parts.append(tool_text.strip()[:2000])
    shown = [(url, detail) for url, detail in urls[:WORST_PAGES_SHOWN]]
    if shown:
        rows = "\n".join(f"| {_cell(url)} | {_cell(detail or '')} |" for url, detail in shown)
        more = f"\n\n…and {len(urls) - len(shown):,} more pages." if len(urls) > len(shown) else ""
        parts.append("| Worst pages | Figures |\n|---|---|\n" + rows + more)
    return "\n\n".join(parts)[:MAX_DESCRIPTION]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
