"""What an audit import holds: the reports read, every finding, and the groups they form.

A finding is one failing Lighthouse audit in one report, or one crawler issue in one file; a
group (see grouping.py) is one issue type across the batch, the future recommendation. These are
plain frozen records: the database side stores them, the preview shows them, nothing here
changes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from collab.audits.pages import host_of
from collab.audits.routes import AuditRoute
from collab.platform.errors import Refusal


@dataclass(frozen=True)
class Offender:
    """One thing a tool blamed, with its figures: a resource (``url``), an element (``label``
    is its selector or snippet, ``url`` None), or a page of a crawl."""

    label: str
    url: str | None = None
    figures: Mapping[str, float] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Report:
    """One report or file as read. ``scope`` says what it can verify: "pages" (only the pages
    it lists) or "site" (it lists every affected URL of a whole crawl). ``checked`` holds the
    finding keys it evaluated (None: every issue its tool knows). A report that ``resolves``
    nothing (a Lighthouse runtime error, a crawl that fetched nothing) says why in ``problem``."""

    source: str
    tool: str
    version: str | None
    file: str
    layout: str
    pages: tuple[str, ...]
    scope: str
    checked: frozenset[str] | None
    audited_on: dt.datetime | dt.date | None
    form_factor: str | None = None
    resolves: bool = True
    problem: Refusal | None = None  # English as str(); said() in the reader's language


@dataclass(frozen=True)
class Finding:
    """One failing audit or issue. ``key`` is the tool's identifier (the Lighthouse audit id
    exactly, a slug of the crawler's issue name); ``title`` the tool's own words; ``urls`` the
    affected pages, complete; ``report`` the index of its report in the batch."""

    source: str
    key: str
    title: str
    group: str
    file: str
    report: int
    urls: tuple[str, ...]
    form_factor: str | None = None
    score: float | None = None
    display_value: str | None = None
    savings_ms: float | None = None
    savings_bytes: float | None = None
    numeric_value: float | None = None
    numeric_unit: str | None = None
    count: int | None = None
    offenders: tuple[Offender, ...] = ()
    details: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FindingGroup:
    """One issue type across the batch: the future recommendation. ``key`` is stable across
    imports ("lighthouse:unused-javascript", "lighthouse:metrics",
    "screaming_frog:page_titles_missing"); ``urls`` are the affected pages, worst first and
    complete; ``findings`` index the batch's findings; ``figures`` feed the training note."""

    key: str
    source: str
    title: str
    keys: tuple[str, ...]
    urls: tuple[str, ...]
    form_factors: tuple[str, ...]
    offenders: tuple[Offender, ...]
    findings: tuple[int, ...]
    routes: tuple[AuditRoute, ...]
    figures: Mapping[str, Any]


@dataclass(frozen=True)
class AuditBatch:
    """Everything read from one import's files. ``skipped`` names files inside ZIPs that were
    not audit data (a report's HTML twin, a screenshot)."""

    reports: tuple[Report, ...]
    findings: tuple[Finding, ...]
    groups: tuple[FindingGroup, ...]
    skipped: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.source for r in self.reports))

    @property
    def pages(self) -> tuple[str, ...]:
        """Every page a report covers or a finding names, in first-seen order."""
        seen = dict.fromkeys(p for r in self.reports for p in r.pages)
        seen.update(dict.fromkeys(u for f in self.findings for u in f.urls))
        return tuple(seen)

    @property
    def hosts(self) -> tuple[str, ...]:
        """The hosts of those pages: what the organisation's site list is checked against."""
        return tuple(sorted({host_of(p) for p in self.pages}))
