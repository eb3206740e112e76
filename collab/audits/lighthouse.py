"""Lighthouse reports (v10 to v13), raw or wrapped by PageSpeed Insights, read into findings.

A report arrives as Lighthouse writes it (the LHR), inside a PageSpeed Insights API v5 response
(``lighthouseResult``), as one step of a user flow, or several of them in one JSON list. Its page
is the URL the browser ended on (``finalDisplayedUrl``, ``finalUrl``), else the one asked for
(``requestedUrl``); its date is ``fetchTime``. An audit fails, as the public API promises, when
its score is a number below 0.9 and its mode is not informative, not applicable, manual or an
error: that rule holds for both audit generations (v13's ``*-insight`` audits and the older
opportunities), since both carry a score and a mode.

A report with a ``runtimeError`` (the page never painted, the document errored) still lists its
failing audits, but is marked as resolving nothing: its passes prove nothing about the page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from collab.audits.errors import AuditFileError
from collab.audits.findings import Finding, Offender, Report
from collab.audits.pages import normalise_url
from collab.audits.routes import lighthouse_group
from collab.platform.errors import N_, Refusal

PASSING_SCORE = 0.9
NOT_FAILING_MODES = frozenset({"informative", "notApplicable", "manual", "error"})
# Modes whose result says pass or fail; an audit in one of them was checked on this page.
EVALUATED_MODES = frozenset({"binary", "numeric", "metricSavings"})
MAX_ITEMS_KEPT = 50
MAX_REPORTS = 5_000
_FORM_FACTORS = ("mobile", "desktop")
# Lighthouse's item figures, by the names our notes use.
_ITEM_FIGURES = {
    "wastedMs": "wasted_ms",
    "wastedBytes": "wasted_bytes",
    "totalBytes": "total_bytes",
    "transferSize": "transfer_bytes",
    "resourceSize": "resource_bytes",
    "blockingTime": "blocking_ms",
    "mainThreadTime": "main_thread_ms",
    "duration": "duration_ms",
    "cacheLifetimeMs": "cache_lifetime_ms",
    "total": "total_ms",
    "scripting": "scripting_ms",
    "score": "score",
}
_NOT_A_REPORT = Refusal(
    N_(
        'JSON, but not a Lighthouse report: expected "audits" (a Lighthouse JSON report) or '
        '"lighthouseResult" (a PageSpeed Insights API response)'
    )
)


def read_reports(file: str, doc: object) -> list[tuple[Report, list[Finding]]]:
    """Every report in a parsed JSON document, each with its failing audits. A finding's
    ``report`` is the index of its report in the returned list."""
    found = []
    for position, (lhr, tool) in enumerate(_reports_in(file, doc)):
        where = (
            file
            if position == 0 and not isinstance(doc, list)
            else f"{file} (report {position + 1})"
        )
        report, findings = _read(file, where, lhr, tool, position)
        found.append((report, findings))
    if not found:
        raise AuditFileError(file, Refusal(N_("holds no Lighthouse report")))
    return found


def _in_report(position: int, problem: str | Refusal) -> Refusal:
    return Refusal(N_("report %(number)s: %(problem)s"), number=position + 1, problem=problem)


def _reports_in(file: str, doc: object) -> list[tuple[Mapping[str, Any], str]]:
    if isinstance(doc, list):
        if len(doc) > MAX_REPORTS:
            raise AuditFileError(
                file,
                Refusal(
                    N_("too many reports in one file (at most %(count)s): split the file"),
                    count=f"{MAX_REPORTS:,}",
                ),
            )
        out = []
        for position, item in enumerate(doc):
            if isinstance(item, list):
                raise AuditFileError(file, _in_report(position, _NOT_A_REPORT))
            try:
                out.extend(_reports_in(file, item))
            except AuditFileError as exc:
                raise AuditFileError(file, _in_report(position, exc.phrase)) from None
        return out
    if not isinstance(doc, dict):
        raise AuditFileError(file, _NOT_A_REPORT)
    if "lighthouseResult" in doc:
        lhr = doc["lighthouseResult"]
        if not isinstance(lhr, dict):
            raise AuditFileError(
                file, Refusal(N_('its "lighthouseResult" is not a Lighthouse report'))
            )
        return [(lhr, "PageSpeed Insights")]
    if isinstance(doc.get("steps"), list) and "audits" not in doc:
        # A user-flow result: one report per step.
        steps = [s.get("lhr") for s in doc["steps"] if isinstance(s, dict)]
        return [(lhr, "Lighthouse user flow") for lhr in steps if isinstance(lhr, dict)]
    if "audits" in doc:
        return [(doc, "Lighthouse")]
    error = doc.get("error")
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        message = error["message"][:300]
        raise AuditFileError(
            file,
            Refusal(N_("a PageSpeed Insights error, not a report: %(error)s"), error=message),
        )
    raise AuditFileError(file, _NOT_A_REPORT)


def _read(
    file: str, where: str, lhr: Mapping[str, Any], tool: str, position: int
) -> tuple[Report, list[Finding]]:
    audits = lhr.get("audits")
    if not isinstance(audits, dict):
        raise AuditFileError(
            where, Refusal(N_('its "audits" is not an object: the report is damaged'))
        )
    page = next(
        filter(
            None,
            (normalise_url(lhr.get(k)) for k in ("finalDisplayedUrl", "finalUrl", "requestedUrl")),
        ),
        None,
    )
    if page is None:
        raise AuditFileError(
            where,
            Refusal(
                N_("names no page: finalDisplayedUrl, finalUrl and requestedUrl are all missing")
            ),
        )
    version = (
        lhr.get("lighthouseVersion") if isinstance(lhr.get("lighthouseVersion"), str) else None
    )
    form_factor = _form_factor(lhr.get("configSettings"))
    problem = _runtime_error(lhr.get("runtimeError"))

    findings: list[Finding] = []
    checked: set[str] = set()
    for audit_id, audit in audits.items():
        if not isinstance(audit, dict):
            continue
        score, mode = _number(audit.get("score")), _text(audit.get("scoreDisplayMode"))
        if score is not None and mode in EVALUATED_MODES:
            checked.add(audit_id)
        if score is None or score >= PASSING_SCORE or mode in NOT_FAILING_MODES:
            continue
        findings.append(_finding(file, page, audit_id, audit, score, form_factor, position))
    report = Report(
        source="lighthouse",
        tool=tool,
        version=version[:40] if version else None,
        file=file,
        layout="pagespeed_insights" if tool == "PageSpeed Insights" else "lighthouse",
        pages=(page,),
        scope="pages",
        checked=frozenset(checked),
        audited_on=_fetch_time(lhr.get("fetchTime")),
        form_factor=form_factor,
        resolves=problem is None,
        problem=problem,
    )
    return report, findings


def _finding(
    file: str,
    page: str,
    audit_id: str,
    audit: Mapping[str, Any],
    score: float,
    form_factor: str | None,
    position: int,
) -> Finding:
    details = audit.get("details") if isinstance(audit.get("details"), dict) else {}
    items = _items(details)
    offenders = [o for o in map(_offender, items) if o is not None]
    title = audit.get("title") if isinstance(audit.get("title"), str) else audit_id
    unit = audit.get("numericUnit")
    shown = audit.get("displayValue")
    return Finding(
        source="lighthouse",
        key=audit_id,
        title=title[:500] or audit_id,
        group=f"lighthouse:{lighthouse_group(audit_id)}",
        file=file,
        report=position,
        urls=(page,),
        form_factor=form_factor,
        score=score,
        display_value=shown[:200] if isinstance(shown, str) else None,
        savings_ms=_savings_ms(details, audit),
        savings_bytes=_savings_bytes(details, items),
        numeric_value=_number(audit.get("numericValue")),
        numeric_unit=unit[:40] if isinstance(unit, str) else None,
        count=len(items),
        offenders=_worst_kept(offenders),
        details=audit.get("description", "")[:2000]
        if isinstance(audit.get("description"), str)
        else "",
    )


def _items(details: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The rows of a table, opportunity or list; a list nests tables, whose rows count too."""
    items = details.get("items")
    if not isinstance(items, list):
        return []
    rows: list[Mapping[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        nested = item.get("items")
        if item.get("type") == "table" and isinstance(nested, list):
            rows.extend(row for row in nested if isinstance(row, dict))
        else:
            rows.append(item)
    return rows


def _offender(item: Mapping[str, Any]) -> Offender | None:
    url = _text(item.get("url"))
    if not url:
        for name in ("sourceLocation", "source", "location"):
            where = item.get(name)
            if isinstance(where, dict) and _text(where.get("url")):
                url = _text(where.get("url"))
                break
    node = item.get("node") if isinstance(item.get("node"), dict) else None
    if node is None and item.get("type") == "node":
        node = item
    entity = item.get("entity")
    label = (
        url
        or (
            node
            and (
                _text(node.get("nodeLabel"))
                or _text(node.get("selector"))
                or _text(node.get("snippet"))
            )
        )
        or (_text(entity.get("text")) if isinstance(entity, dict) else _text(entity))
        or _text(item.get("label"))
        or _text(item.get("statistic"))
        or _text(item.get("description"))
    )
    if not label:
        return None
    figures = {}
    for name, ours in _ITEM_FIGURES.items():
        value = _number(item.get(name))
        if value is not None:
            figures[ours] = value
    http = url if url.startswith(("http://", "https://")) else None
    return Offender(label=label[:300], url=http[:2000] if http else None, figures=figures)


def _worst_kept(offenders: list[Offender]) -> tuple[Offender, ...]:
    # Lighthouse lists most items worst first already; the few it doesn't are sorted by savings.
    if any("wasted_ms" in o.figures or "wasted_bytes" in o.figures for o in offenders):
        offenders = sorted(
            offenders,
            key=lambda o: (-o.figures.get("wasted_ms", 0.0), -o.figures.get("wasted_bytes", 0.0)),
        )
    return tuple(offenders[:MAX_ITEMS_KEPT])


def _savings_ms(details: Mapping[str, Any], audit: Mapping[str, Any]) -> float | None:
    overall = _number(details.get("overallSavingsMs"))
    if overall is not None:
        return overall
    # An opportunity's numericValue is its saving in milliseconds (before v12 it was the only
    # place some reports kept it); elsewhere numericValue is a measurement, not a saving.
    if details.get("type") == "opportunity" and audit.get("numericUnit") == "millisecond":
        value = _number(audit.get("numericValue"))
        if value is not None:
            return value
    # v12+ estimates savings per metric; CLS is unitless, the others are milliseconds.
    metric_savings = audit.get("metricSavings")
    if isinstance(metric_savings, dict):
        values = [_number(v) for k, v in metric_savings.items() if k != "CLS"]
        numbers = [v for v in values if v is not None]
        if numbers:
            return max(numbers)
    return None


def _savings_bytes(details: Mapping[str, Any], items: list[Mapping[str, Any]]) -> float | None:
    overall = _number(details.get("overallSavingsBytes"))
    if overall is not None:
        return overall
    wasted = [w for w in (_number(i.get("wastedBytes")) for i in items) if w is not None]
    if wasted:
        return sum(wasted)
    debug = details.get("debugData")
    return _number(debug.get("wastedBytes")) if isinstance(debug, dict) else None


def _form_factor(settings: object) -> str | None:
    if not isinstance(settings, dict):
        return None
    for name in ("formFactor", "emulatedFormFactor"):
        if settings.get(name) in _FORM_FACTORS:
            return settings[name]
    return None


def _runtime_error(error: object) -> Refusal | None:
    # Older reports always carried runtimeError, with code NO_ERROR when the run went well.
    if not isinstance(error, dict) or error.get("code") in (None, "", "NO_ERROR"):
        return None
    code = _text(error.get("code"))[:80] or "ERROR"
    message = _text(error.get("message"))[:300]
    if message:
        return Refusal(
            N_("Lighthouse could not audit the page (%(code)s): %(error)s"),
            code=code,
            error=message,
        )
    return Refusal(N_("Lighthouse could not audit the page (%(code)s)"), code=code)


def _fetch_time(text: object) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # a huge JSON integer
        return None
    return number if math.isfinite(number) else None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
