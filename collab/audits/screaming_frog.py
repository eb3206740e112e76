"""Screaming Frog SEO Spider exports: the Issues Overview report and the per-issue exports.

The Issues Overview ("Issue Name, Issue Type, Issue Priority, URLs, % of Total, Description,
How To Fix[, Help URL]") has one row per issue and counts, no URLs: it covers the whole crawl,
so an issue missing from a later overview was fixed everywhere. A per-issue export
(``page_titles_duplicate.csv``) lists the URLs of one issue, which only its file name names; the
name is matched to the issue in any spelling the tool derives from it ("Non-Sequential",
``nonsequential``). An export with its own issue column names the issue on every row.

A finding's ``key`` is a stable slug of the issue name; its title is the name as the tool wrote
it ("Meta Description: Missing").
"""

from __future__ import annotations

import datetime as dt
import re

from collab.audits.errors import AuditFileError
from collab.audits.exports import Sheet, cell, number
from collab.audits.findings import Finding, Offender, Report
from collab.audits.pages import normalise_url
from collab.audits.routes import (
    fingerprint,
    issue_key,
    screaming_frog_families,
    screaming_frog_issue,
)
from collab.platform.errors import N_, Refusal

TOOL = "Screaming Frog SEO Spider"
MAX_OFFENDERS_KEPT = 50
# Row columns whose numbers are worth keeping beside a URL, by the names our notes use.
ROW_FIGURES = {
    "size (bytes)": "size_bytes",
    "size": "size_bytes",
    "title 1 length": "title_length",
    "title 1 pixel width": "title_pixels",
    "meta description 1 length": "description_length",
    "meta description 1 pixel width": "description_pixels",
    "h1-1 length": "h1_length",
    "word count": "word_count",
    "response time": "response_s",
    "status code": "status_code",
    "inlinks": "inlinks",
    "unique inlinks": "unique_inlinks",
    "img inlinks": "inlinks",
    "crawl depth": "crawl_depth",
    "occurrences": "occurrences",
}
# How a crawl row ranks among others of the same issue when the issue names no figure of its
# own: heavier first, then more linked (a broken page linked from 40 pages hurts more).
_RANKING = ("size_bytes", "unique_inlinks", "inlinks")
# Exports of a whole tab, of links or of resources: not lists of one issue's URLs.
_NOT_ISSUE_EXPORT = re.compile(r"(^|_)(all|inlinks|outlinks|anchor_text|summary|report|overview)$")
_ISSUE_COLUMNS = ("issue name", "issue", "issues")
# Issues that say the crawl itself failed: at 100 % of the crawl, nothing was fetched.
_CRAWL_FAILED = {
    "response_codes_internal_no_response",
    "response_codes_internal_blocked_by_robots_txt",
}


def is_issues_overview(sheet: Sheet) -> bool:
    return "issue name" in sheet.keys and ("urls" in sheet.keys or "issue priority" in sheet.keys)


def read_issues_overview(
    file: str, sheet: Sheet, audited_on: dt.date | dt.datetime | None
) -> tuple[Report, list[Finding]]:
    names = sheet.index("issue name")
    kind, priority = sheet.index("issue type"), sheet.index("issue priority")
    count, share = sheet.index("urls"), sheet.index("% of total")
    description = sheet.index("description")
    findings = []
    crawl_failed = False
    for row in sheet.rows:
        name = cell(row, names)
        if not name:
            continue
        key = _key(name)
        urls = number(cell(row, count))
        percent = number(cell(row, share))
        if key in _CRAWL_FAILED and percent is not None and percent >= 100:
            crawl_failed = True
        extra = {
            "issue_type": cell(row, kind) or None,
            "priority": cell(row, priority) or None,
            "percent_of_total": percent,
        }
        findings.append(
            Finding(
                source="screaming_frog",
                key=key,
                title=name[:300],
                group=f"screaming_frog:{key}",
                file=file,
                report=0,
                urls=(),
                count=int(urls) if urls is not None and 0 <= urls < 1e12 else None,
                details=cell(row, description)[:2000],
                extra={k: v for k, v in extra.items() if v is not None},
            )
        )
    problem = None
    if not findings:
        problem = Refusal(
            N_("the overview lists no issues: an empty crawl cannot be told from a clean one")
        )
    elif crawl_failed:
        problem = Refusal(
            N_("every crawled URL failed to load or was blocked: the crawl fetched nothing")
        )
    report = Report(
        source="screaming_frog",
        tool=TOOL,
        version=None,
        file=file,
        layout="issues_overview",
        pages=(),
        scope="site",
        checked=None,
        audited_on=audited_on,
        resolves=problem is None,
        problem=problem,
    )
    return report, findings


def export_issue(file: str, sheet: Sheet) -> tuple[str, str] | None:
    """(key, issue name) named by a per-issue export's file name, or None when the name is not
    one. Names the table does not know are accepted when they start with one of the tool's
    issue families ("h1_", "page_titles_"): the tool wrote them; triage will route them."""
    if "address" not in sheet.keys:
        return None
    stem = _stem(file)
    if not stem or _NOT_ISSUE_EXPORT.search(stem):
        return None
    row = screaming_frog_issue(stem)
    if row is not None:
        return row.key, row.name
    words = [w for w in re.split(r"[\W_]+", stem) if w]
    for size in range(min(3, len(words)), 0, -1):
        if fingerprint("".join(words[:size])) in screaming_frog_families() and len(words) > size:
            return issue_key(stem), " ".join(words)
    return None


def has_issue_column(sheet: Sheet) -> bool:
    """An export of several issues, naming the issue on every row, in the tool's spellings."""
    column = sheet.index(*_ISSUE_COLUMNS)
    if "address" not in sheet.keys or column is None:
        return False
    names = {cell(row, column) for row in sheet.rows[:200]} - {""}
    return bool(names) and all(screaming_frog_issue(n) is not None for n in names)


def read_issue_export(
    file: str,
    sheet: Sheet,
    issue: tuple[str, str] | None,
    audited_on: dt.date | dt.datetime | None,
) -> tuple[Report, list[Finding]]:
    """The URLs of one issue (named by ``issue``) or of several (named by an issue column)."""
    address = sheet.index("address")
    column = None if issue else sheet.index(*_ISSUE_COLUMNS)
    by_issue: dict[str, tuple[str, list[Offender]]] = {}
    columns = figure_columns(sheet)
    for row, line in zip(sheet.rows, sheet.lines, strict=True):
        url = normalise_url(cell(row, address))
        if url is None:
            if cell(row, address):
                raise AuditFileError(
                    file,
                    Refusal(
                        N_("line %(line)s: %(cell)s is not a URL"),
                        line=line,
                        cell=repr(cell(row, address)[:80]),
                    ),
                )
            continue
        if issue:
            key, name = issue
        else:
            name = cell(row, column)
            if not name:
                continue
            key = _key(name)
        entry = by_issue.setdefault(key, (name, []))
        entry[1].append(Offender(label=url, url=url, figures=row_figures(columns, row)))
    findings = [
        crawl_finding(file, key, name, offenders) for key, (name, offenders) in by_issue.items()
    ]
    checked = frozenset({issue[0]}) if issue else frozenset(by_issue)
    report = Report(
        source="screaming_frog",
        tool=TOOL,
        version=None,
        file=file,
        layout="issue_export",
        pages=(),
        scope="site",
        checked=checked,
        audited_on=audited_on,
        resolves=bool(findings),
        problem=None
        if findings
        else Refusal(N_("no rows: an empty crawl cannot be told from a clean one")),
    )
    return report, findings


def crawl_finding(
    file: str, key: str, name: str, offenders: list[Offender], worst: str | None = None
) -> Finding:
    """One issue of a crawl file: its URLs complete and worst first (by the ``worst`` figure
    when the issue has one, else by rank), the worst kept with their figures."""
    ranked = rank(offenders, (worst,) if worst else _RANKING)
    return Finding(
        source="screaming_frog",
        key=key,
        title=name[:300],
        group=f"screaming_frog:{key}",
        file=file,
        report=0,
        urls=tuple(dict.fromkeys(o.label for o in ranked)),
        count=len(ranked),
        offenders=tuple(ranked[:MAX_OFFENDERS_KEPT]),
    )


def rank(offenders: list[Offender], figures: tuple[str, ...] = _RANKING) -> list[Offender]:
    """Worst first: the first of ``figures`` the rows carry, larger first; else file order."""
    for name in figures:
        if any(name in o.figures for o in offenders):
            return sorted(offenders, key=lambda o: -o.figures.get(name, 0.0))
    return list(offenders)


def figure_columns(sheet: Sheet) -> tuple[tuple[int, str], ...]:
    """(position, figure name) of the columns worth keeping, first spelling winning."""
    seen: dict[str, int] = {}
    for position, key in enumerate(sheet.keys):
        ours = ROW_FIGURES.get(key)
        if ours and ours not in seen:
            seen[ours] = position
    return tuple((position, ours) for ours, position in seen.items())


def row_figures(columns: tuple[tuple[int, str], ...], row: list[str]) -> dict[str, float]:
    figures = {}
    for position, ours in columns:
        value = number(row[position]) if position < len(row) else None
        if value is not None:
            figures[ours] = value
    return figures


def _key(name: str) -> str:
    row = screaming_frog_issue(name)
    return row.key if row is not None else issue_key(name) or "unnamed_issue"


def _stem(file: str) -> str:
    base = re.split(r"[\\/]", file)[-1]
    return re.sub(r"\.(csv|tsv|txt)$", "", base, flags=re.IGNORECASE).casefold()
