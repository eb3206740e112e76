"""What a note says around its own text, in the reader's language: the filled-in
placeholders ("12 affected URLs", "30 December 2026", "Today: leads 42.") and the sections on
what the audit found and what the work measurably did.

collab.training.library writes these in English and stays free of the framework; this module
gives ``fill`` the same sentences from the message catalogue, for the language of the request
or of the person an e-mail is for (collab.platform.i18n.speaking).
"""

from __future__ import annotations

import statistics
from datetime import date

from flask_babel import format_date, gettext, ngettext

from collab.kpis.metrics import DEFAULT_METRICS, format_full, metric_label, unit_of
from collab.models.work import PRIORITY_LABELS
from collab.platform import numbers
from collab.platform.i18n import current_language
from collab.training import library

_VERDICTS = {
    "improved": lambda: gettext("improved"),
    "worsened": lambda: gettext("worsened"),
    "no_change": lambda: gettext("no clear change"),
}


def label(metric: str) -> str:
    """A metric's words: collab's own in the reader's language, an organisation's as named."""
    words = metric_label(metric)
    return gettext(words) if metric in DEFAULT_METRICS else words


def change(change_pct: float) -> str:
    """A change in percent, signed, one decimal: "+12.0%", "−8,0 %" in Russian."""
    rounded = round(float(change_pct), 1)
    sign = "+" if rounded > 0 else "-" if rounded < 0 else ""
    return sign + numbers.percent(abs(rounded), 1, current_language())


def _verdict(item: dict) -> str | None:
    said = _VERDICTS.get(item.get("verdict") or "")
    return said() if said else None


def url_count(count: int | None) -> str:
    count = int(count or 0)
    if count <= 0:
        return gettext("no URLs listed yet")
    return ngettext("%(num)s affected URL", "%(num)s affected URLs", count)


def priority(value: str | None) -> str:
    if not value or not str(value).strip():
        return gettext("not set yet")
    return str(PRIORITY_LABELS.get(value, value)).lower()


def due_date(due: date | None) -> str:
    return gettext("no due date yet") if due is None else format_date(due, "d MMMM y")


def kpi_sentence(figures: dict, currency: str | None = None) -> str:
    language = current_language()
    shown = [
        f"{label(metric)} {format_full(value, unit_of(metric), currency, language)}"
        for metric, value in (figures or {}).items()
        if library._is_number(value)
    ]
    if not shown:
        return gettext("We have no figures for these numbers yet.")
    return gettext("Today: %(figures)s.", figures=", ".join(shown))


def measured(items: list[dict]) -> str:
    lines = []
    for item in items:
        words = label(item.get("metric", ""))
        if library._is_number(item.get("change_pct")):
            line = f"{words} {change(item['change_pct'])}"
            verdict = _verdict(item)
            if verdict:
                line += f" ({verdict})"
        else:
            line = gettext("%(metric)s: no figure yet", metric=words)
        lines.append(f"- {line}")
    return "\n".join(lines)


def history(items: list[dict]) -> str:
    by_metric: dict[str, list[dict]] = {}
    for item in items:
        by_metric.setdefault(item.get("metric", ""), []).append(item)
    lines = []
    for metric, group in by_metric.items():
        changes = [float(i["change_pct"]) for i in group if library._is_number(i.get("change_pct"))]
        if len(group) == 1:
            verdict = _verdict(group[0])
            if changes:
                detail = change(changes[0]) + (f" ({verdict})" if verdict else "")
            else:
                detail = gettext("no figure yet")
            line = gettext(
                "1 earlier task measured %(metric)s: %(detail)s.",
                metric=label(metric),
                detail=detail,
            )
        else:
            improved = sum(1 for i in group if i.get("verdict") == "improved")
            detail = gettext(
                "%(improved)s of %(count)s improved", improved=improved, count=len(group)
            )
            if changes:
                detail = gettext(
                    "median %(change)s, %(detail)s",
                    change=change(statistics.median(changes)),
                    detail=detail,
                )
            line = gettext(
                "%(count)s earlier tasks measured %(metric)s: %(detail)s.",
                count=len(group),
                metric=label(metric),
                detail=detail,
            )
        lines.append(f"- {line}")
    return "\n".join(lines)


def words() -> library.Words:
    """``fill``'s words in the current language (English outside a request)."""
    return library.Words(
        url_count,
        priority,
        due_date,
        kpi_sentence,
        measured,
        history,
        (
            gettext("What the audit found here"),
            gettext("What it did here"),
            gettext("What earlier work of this kind did here"),
        ),
    )
