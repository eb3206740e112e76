"""Findings from any crawler's CSV (Sitebulb, Ahrefs, Semrush...): a URL, an issue, details.

Each tool names its columns its own way, so the columns come from a mapping (the organisation's
remembered one, kept by the import page) or, without one, from common spellings: ``url``,
``address`` or ``page`` for the URL; ``issue``, ``issue name``, ``hint`` or ``problem`` for the
issue; ``details`` or ``description`` for the rest. A finding's key is a slug of the issue text;
no table knows these tools' words, so they wait in triage unless the organisation routes them.

Every row must name a URL and an issue: a file half read would import half an audit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from collab.audits.errors import AuditFileError
from collab.audits.exports import Sheet, cell, header_key, list_columns
from collab.audits.findings import Finding, Offender, Report
from collab.audits.pages import normalise_url
from collab.audits.routes import issue_key
from collab.platform.errors import N_, Refusal

ROLES = ("url", "issue", "details")
SPELLINGS = {
    "url": ("url", "address", "page", "page url", "page_url", "source url", "source page"),
    "issue": ("issue", "issue name", "issue_name", "hint", "problem", "check", "error"),
    "details": ("details", "detail", "description", "message", "notes"),
}
MAX_OFFENDERS_KEPT = 50
MAX_PROBLEMS_NAMED = 5


def columns_for(
    sheet: Sheet, mapping: Mapping[str, str] | None = None
) -> tuple[dict[str, int | None] | None, Refusal | None]:
    """Positions of the url, issue and details columns, and a problem to report when there are
    none. A ``mapping`` (role -> column name, the organisation's remembered one) names them;
    roles it leaves out are found by their common spellings. (None, None): the sheet simply has
    no URL and issue columns; (None, problem): it lacks a column the mapping names."""
    found: dict[str, int | None] = {}
    for role in ROLES:
        named = (mapping or {}).get(role)
        if named:
            position = sheet.index(header_key(named))
            if position is None:
                return None, Refusal(
                    N_(
                        'the %(role)s column "%(name)s" is not in this file (its columns: '
                        "%(columns)s): choose the columns on the settings page again"
                    ),
                    role=role,
                    name=named,
                    columns=list_columns(sheet.columns),
                )
            found[role] = position
        else:
            found[role] = sheet.index(*SPELLINGS[role])
    if found["url"] is None or found["issue"] is None:
        return None, None
    return found, None


def read_crawler_csv(
    file: str,
    sheet: Sheet,
    columns: dict[str, int | None],
    audited_on: dt.date | dt.datetime | None,
) -> tuple[Report, list[Finding]]:
    by_issue: dict[str, tuple[str, list[Offender]]] = {}
    problems: list[str] = []
    for row, line in zip(sheet.rows, sheet.lines, strict=True):
        text, issue = cell(row, columns["url"]), cell(row, columns["issue"])
        url = normalise_url(text)
        if url is None or not issue:
            if len(problems) < MAX_PROBLEMS_NAMED:
                problems.append(
                    f"line {line}: no issue" if url else f"line {line}: {text[:80]!r} is not a URL"
                )
            else:
                problems.append("")
            continue
        key = issue_key(issue) or "unnamed_issue"
        entry = by_issue.setdefault(key, (issue[:300], []))
        entry[1].append(Offender(label=url, url=url, note=cell(row, columns["details"])[:500]))
    if problems:
        named = "; ".join(p for p in problems if p)
        if len(problems) > MAX_PROBLEMS_NAMED:
            refused = Refusal(
                N_("every row needs a URL and an issue: %(rows)s (and %(count)s more)"),
                rows=named,
                count=len(problems) - MAX_PROBLEMS_NAMED,
            )
        else:
            refused = Refusal(N_("every row needs a URL and an issue: %(rows)s"), rows=named)
        raise AuditFileError(file, refused)
    findings = []
    for key, (title, offenders) in by_issue.items():
        urls = tuple(dict.fromkeys(o.label for o in offenders))
        notes = [o for o in dict((o.label, o) for o in offenders).values()]
        findings.append(
            Finding(
                source="csv",
                key=key,
                title=title,
                group=f"csv:{key}",
                file=file,
                report=0,
                urls=urls,
                count=len(urls),
                offenders=tuple(notes[:MAX_OFFENDERS_KEPT]),
            )
        )
    pages = tuple(dict.fromkeys(u for f in findings for u in f.urls))
    report = Report(
        source="csv",
        tool="crawler CSV",
        version=None,
        file=file,
        layout="crawler_csv",
        pages=pages,
        scope="pages",
        checked=frozenset(by_issue),
        audited_on=audited_on,
        resolves=bool(findings),
        problem=None if findings else Refusal(N_("no rows: nothing to verify")),
    )
    return report, findings
