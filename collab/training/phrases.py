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

from collab.impacts.wording import VERDICT_LABELS, clear
from collab.kpis.metrics import DEFAULT_METRICS, format_full, metric_label, unit_of
from collab.models.work import PRIORITY_LABELS
from collab.platform import numbers
from collab.platform.i18n import current_language
from collab.training import library


def _verdict_words(verdict: str) -> str:
    return gettext(VERDICT_LABELS[verdict])


def label(metric: str) -> str:
    """A metric's words: collab's own in the reader's language, an organisation's as named."""
    words = metric_label(metric)
    return gettext(words) if metric in DEFAULT_METRICS else words


def change(change_pct: float) -> str:
    """A change in percent, signed, one decimal: "+12.0%", "−8,0 %" in Russian."""
    rounded = round(float(change_pct), 1)
    sign = "+" if rounded > 0 else "-" if rounded < 0 else ""
    return sign + numbers.percent(abs(rounded), 1, current_language())


def _one_result(words: str, item: dict, joiner: str) -> str:
    """As library._one_result: a figure that could be noise follows the words, never leads."""
    figure = item.get("change_pct")
    verdict = item.get("verdict")
    if verdict in VERDICT_LABELS and not clear(verdict):
        said = f" ({change(figure)})" if library._is_number(figure) else ""
        return f"{words}: {_verdict_words(verdict)}{said}"
    if not library._is_number(figure):
        return gettext("%(metric)s: no figure yet", metric=words)
    said = f" ({_verdict_words(verdict)})" if clear(verdict) else ""
    return f"{words}{joiner}{change(figure)}{said}"


def url_count(count: int | None) -> str:
    count = int(count or 0)
    if count <= 0:
        return gettext("no URLs listed yet")
    shown = numbers.decimal(count, 0, current_language())
    return ngettext("%(shown)s affected URL", "%(shown)s affected URLs", count, shown=shown)


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
    return "\n".join(f"- {_one_result(label(i.get('metric', '')), i, ' ')}" for i in items)


def history(items: list[dict]) -> str:
    by_metric: dict[str, list[dict]] = {}
    for item in items:
        by_metric.setdefault(item.get("metric", ""), []).append(item)
    lines = []
    for metric, group in by_metric.items():
        words = label(metric)
        if len(group) == 1:
            detail = _one_result("", group[0], "").removeprefix(": ")
            lines.append(
                "- "
                + gettext(
                    "1 earlier task measured %(metric)s: %(detail)s.", metric=words, detail=detail
                )
            )
            continue
        improved = sum(1 for i in group if i.get("verdict") == "improved")
        detail = gettext("%(improved)s of %(count)s improved", improved=improved, count=len(group))
        for verdict in ("worsened", "no_change", "inconclusive"):
            others = sum(1 for i in group if i.get("verdict") == verdict)
            if others:
                detail += f", {others} {_verdict_words(verdict)}"
        changes = [float(i["change_pct"]) for i in group if library._is_number(i.get("change_pct"))]
        if changes:
            detail = gettext(
                "median %(change)s; %(detail)s",
                change=change(statistics.median(changes)),
                detail=detail,
            )
        lines.append(
            "- "
            + gettext(
                "%(count)s earlier tasks measured %(metric)s: %(detail)s.",
                count=len(group),
                metric=words,
                detail=detail,
            )
        )
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
