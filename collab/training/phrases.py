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
from functools import lru_cache

from flask_babel import format_date, gettext, ngettext

from collab.impacts.wording import VERDICT_LABELS, clear
from collab.kpis.metrics import DEFAULT_METRICS, format_full, metric_label, unit_of
from collab.models.work import PRIORITY_LABELS
from collab.platform import numbers
from collab.platform.i18n import LANGUAGES, current_language
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


# What a note says for a value depends on nothing but the value and the language (the
# catalogues are read once a process), and the same values come back on every task of a
# list: each process keeps the sentences it wrote, by language. A page of 50 tasks of a kind
# says the same figures and history 50 times, each sentence a dozen lookups in the catalogue.
_KEPT = 4096


def url_count(count: int | None) -> str:
    return words().url_count(count)


@lru_cache(maxsize=_KEPT)
def _url_count(count: int, language: str) -> str:
    if count <= 0:
        return gettext("no URLs listed yet")
    shown = numbers.decimal(count, 0, language)
    return ngettext("%(shown)s affected URL", "%(shown)s affected URLs", count, shown=shown)


def priority(value: str | None) -> str:
    return words().priority(value)


@lru_cache(maxsize=_KEPT)
def _priority(value: str | None, language: str) -> str:
    if not value or not str(value).strip():
        return gettext("not set yet")
    return str(PRIORITY_LABELS.get(value, value)).lower()


def due_date(due: date | None) -> str:
    return words().due_date(due)


@lru_cache(maxsize=_KEPT)
def _due_date(due: date | None, language: str) -> str:
    return gettext("no due date yet") if due is None else format_date(due, "d MMMM y")


def kpi_sentence(figures: dict, currency: str | None = None) -> str:
    return words().kpi_sentence(figures, currency)


@lru_cache(maxsize=_KEPT)
def _kpi_sentence(figures: tuple, currency: str | None, language: str) -> str:
    shown = [
        f"{label(metric)} {format_full(value, unit_of(metric), currency, language)}"
        for metric, value in figures
        if library._is_number(value)
    ]
    if not shown:
        return gettext("We have no figures for these numbers yet.")
    return gettext("Today: %(figures)s.", figures=", ".join(shown))


def _results(items: list[dict]) -> tuple:
    """Measured results ({"metric", "change_pct", "verdict"}) as a key: what is said of them."""
    return tuple((i.get("metric", ""), i.get("change_pct"), i.get("verdict")) for i in items)


def _items(results: tuple) -> list[dict]:
    return [{"metric": m, "change_pct": c, "verdict": v} for m, c, v in results]


def measured(items: list[dict]) -> str:
    return words().measured(items)


@lru_cache(maxsize=_KEPT)
def _measured(results: tuple, language: str) -> str:
    return "\n".join(f"- {_one_result(label(i['metric']), i, ' ')}" for i in _items(results))


def history(items: list[dict]) -> str:
    return words().history(items)


@lru_cache(maxsize=_KEPT)
def _history(results: tuple, language: str) -> str:
    items = _items(results)
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
    return _words(current_language())


@lru_cache(maxsize=len(LANGUAGES))
def _words(language: str) -> library.Words:
    # Bound to the language once: a page's notes ask for it once, not once a sentence.
    return library.Words(
        lambda count: _url_count(int(count or 0), language),
        lambda value: _priority(value, language),
        lambda due: _due_date(due, language),
        lambda figures, currency=None: _kpi_sentence(
            tuple((figures or {}).items()), currency, language
        ),
        lambda items: _measured(_results(items), language),
        lambda items: _history(_results(items), language),
        (
            gettext("What the audit found here"),
            gettext("What it did here"),
            gettext("What earlier work of this kind did here"),
        ),
    )
