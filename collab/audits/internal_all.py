"""Issues derived from a crawl's table of URLs: Screaming Frog's "Internal: All" export.

"Internal: All" lists every URL the spider found with its status, indexability, title, meta
description, first H1, word count, size and response time, but names no issue. The rules below
derive the issues an agency asks about from those columns, with the tool's own issue names and
default thresholds, so they meet the same recommendations as an Issues Overview or a per-issue
export of the same crawl. Two have no filter in the tool and say so in their names ("Page Size:
Over 1 MB", "Response Times: Over 1 Second").

A rule runs only when the file has the columns it reads, and only the keys of rules that ran
count as checked: an older export without "Word Count" can neither raise nor resolve thin
content. A crawl whose every URL failed to load fetched nothing and resolves nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from collab.audits.exports import Sheet, cell, number
from collab.audits.findings import Finding, Offender, Report
from collab.audits.pages import normalise_url
from collab.audits.routes import screaming_frog_issue
from collab.audits.screaming_frog import TOOL, crawl_finding, figure_columns, row_figures
from collab.platform.errors import N_, Refusal

# The tool's default limits (Config > Preferences), so derived issues match its own filters.
TITLE_MAX_CHARACTERS = 60
TITLE_MAX_PIXELS = 561
DESCRIPTION_MAX_CHARACTERS = 155
DESCRIPTION_MAX_PIXELS = 985
LOW_CONTENT_WORDS = 200
# Ours: an HTML document over 1 MB is slow on a phone whatever its content.
LARGE_PAGE_BYTES = 1_000_000
SLOW_RESPONSE_SECONDS = 1.0

# Column spellings across versions, normalised (see exports.header_key).
COLUMNS = {
    "address": ("address",),
    "content": ("content type", "content"),
    "code": ("status code",),
    "status": ("status",),
    "indexability": ("indexability status",),
    "title": ("title 1",),
    "title_length": ("title 1 length",),
    "title_pixels": ("title 1 pixel width",),
    "description": ("meta description 1",),
    "description_length": ("meta description 1 length",),
    "description_pixels": ("meta description 1 pixel width",),
    "h1": ("h1-1",),
    "robots": ("meta robots 1",),
    "x_robots": ("x-robots-tag 1",),
    "words": ("word count",),
    "size": ("size (bytes)", "size"),
    "response": ("response time",),
}
_NOINDEX = re.compile(r"\b(noindex|none)\b", re.IGNORECASE)


class _Row:
    """One crawled URL as the rules read it: cells by column name, each read once."""

    __slots__ = ("url", "cells", "positions", "code", "html")

    def __init__(self, url: str, cells: list[str], positions: dict[str, int | None]):
        self.url, self.cells, self.positions = url, cells, positions
        code = number(self.get("code"))
        self.code = int(code) if code is not None and 0 <= code < 1000 else None
        content = positions.get("content")
        self.html = content is None or "html" in self.get("content").casefold()

    def get(self, column: str) -> str:
        position = self.positions.get(column)
        if position is None or position >= len(self.cells):
            return ""
        return self.cells[position].strip()

    def value(self, column: str) -> float | None:
        return number(self.get(column))


@dataclass(frozen=True)
class Rule:
    issue: str  # the issue name, as in tables/screaming_frog.csv
    needs: tuple[str, ...]  # columns it reads
    test: Callable[[_Row], bool]
    worst: str | None = None  # the row figure that ranks its URLs, when it has one


def _fetched(r: _Row) -> bool:
    return r.code is not None and r.code > 0


def _page(r: _Row) -> bool:
    """An HTML page the server answered with 200: where titles and words can be judged."""
    return r.html and r.code in (None, 200)


def _over(column: str, limit: float) -> Callable[[_Row], bool]:
    def test(r: _Row) -> bool:
        if not _page(r):
            return False
        value = r.value(column)
        return value is not None and value > limit

    return test


def _blocked(r: _Row) -> bool:
    said = f"{r.get('status')} {r.get('indexability')}".casefold()
    return not _fetched(r) and "robots" in said


def _noindex(r: _Row) -> bool:
    """Said by the indexability status, or by the robots directives when the export has them."""
    if not (_fetched(r) or r.code is None):
        return False
    if "noindex" in r.get("indexability").casefold():
        return True
    return bool(_NOINDEX.search(r.get("robots")) or _NOINDEX.search(r.get("x_robots")))


RULES = (
    Rule("Response Codes: Internal Blocked by Robots.txt", ("code",), _blocked),
    Rule(
        "Response Codes: Internal No Response",
        ("code",),
        lambda r: not _fetched(r) and not _blocked(r),
    ),
    Rule(
        "Response Codes: Internal Redirection (3xx)",
        ("code",),
        lambda r: 300 <= (r.code or 0) < 400,
    ),
    Rule(
        "Response Codes: Internal Client Error (4xx)",
        ("code",),
        lambda r: 400 <= (r.code or 0) < 500,
    ),
    Rule(
        "Response Codes: Internal Server Error (5xx)",
        ("code",),
        lambda r: 500 <= (r.code or 0) < 600,
    ),
    Rule("Directives: Noindex", ("indexability",), _noindex),
    Rule("Page Titles: Missing", ("title",), lambda r: _page(r) and not r.get("title")),
    Rule(
        "Page Titles: Over 60 Characters",
        ("title_length",),
        _over("title_length", TITLE_MAX_CHARACTERS),
        "title_length",
    ),
    Rule(
        "Page Titles: Over 561 Pixels",
        ("title_pixels",),
        _over("title_pixels", TITLE_MAX_PIXELS),
        "title_pixels",
    ),
    Rule(
        "Meta Description: Missing",
        ("description",),
        lambda r: _page(r) and not r.get("description"),
    ),
    Rule(
        "Meta Description: Over 155 Characters",
        ("description_length",),
        _over("description_length", DESCRIPTION_MAX_CHARACTERS),
        "description_length",
    ),
    Rule(
        "Meta Description: Over 985 Pixels",
        ("description_pixels",),
        _over("description_pixels", DESCRIPTION_MAX_PIXELS),
        "description_pixels",
    ),
    Rule("H1: Missing", ("h1",), lambda r: _page(r) and not r.get("h1")),
    Rule(
        "Content: Low Content Pages",
        ("words",),
        lambda r: _page(r) and (r.value("words") or 0) < LOW_CONTENT_WORDS,
    ),
    Rule("Page Size: Over 1 MB", ("size",), _over("size", LARGE_PAGE_BYTES), "size_bytes"),
    Rule(
        "Response Times: Over 1 Second",
        ("response",),
        _over("response", SLOW_RESPONSE_SECONDS),
        "response_s",
    ),
)


def is_crawl_table(sheet: Sheet) -> bool:
    """A table of crawled URLs: an address column and at least one column a rule reads."""
    if "address" not in sheet.keys:
        return False
    return any(_column(sheet, name) is not None for rule in RULES for name in rule.needs)


def read_crawl(
    file: str, sheet: Sheet, audited_on: dt.date | dt.datetime | None
) -> tuple[Report, list[Finding]]:
    positions = {name: _column(sheet, name) for name in COLUMNS}
    rules = [r for r in RULES if all(positions[n] is not None for n in r.needs)]
    hits: dict[str, list[Offender]] = {rule.issue: [] for rule in rules}
    columns = figure_columns(sheet)
    pages: dict[str, None] = {}
    fetched = False
    for cells in sheet.rows:
        url = normalise_url(cell(cells, positions["address"]))
        if url is None:
            continue
        row = _Row(url, cells, positions)
        pages[url] = None
        fetched = fetched or _fetched(row) or row.code is None
        offender = None
        for rule in rules:
            if rule.test(row):
                # Figures are read once per row, and only for rows that carry an issue.
                offender = offender or Offender(url, url, row_figures(columns, cells))
                hits[rule.issue].append(offender)
    findings = []
    checked = set()
    for rule in rules:
        table_row = screaming_frog_issue(rule.issue)
        key, name = (table_row.key, table_row.name) if table_row else (rule.issue, rule.issue)
        checked.add(key)
        if hits[rule.issue]:
            findings.append(crawl_finding(file, key, name, hits[rule.issue], rule.worst))
    problem = None
    if not pages:
        problem = Refusal(N_("the crawl lists no URLs: it fetched nothing"))
    elif not fetched:
        problem = Refusal(N_("no URL of the crawl answered: it fetched nothing"))
    report = Report(
        source="screaming_frog",
        tool=TOOL,
        version=None,
        file=file,
        layout="internal_all",
        pages=tuple(pages),
        scope="pages",
        checked=frozenset(checked),
        audited_on=audited_on,
        resolves=problem is None,
        problem=problem,
    )
    return report, findings


def _column(sheet: Sheet, name: str) -> int | None:
    return sheet.index(*COLUMNS[name])
