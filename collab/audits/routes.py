"""Routing audit findings by identity: which team owns a Lighthouse audit or a crawler issue.

An audit tool names each finding with a stable identifier: Lighthouse an audit id
(``uses-text-compression``), Screaming Frog an issue name ("Meta Description: Missing"). Those
identifiers are looked up in tables shipped with the package (``tables/*.csv``), so the answer
never depends on the words of a title or on the insides of a "Learn more" link, and the tables
can be reviewed without reading code. Each row names a category, the team or teams that own the
work, and a short topic that becomes the reason a director reads ("Lighthouse accessibility
audit `label`: accessibility: form markup, owned by IT").

An identifier the tables do not know is never guessed: it goes to triage for both directors.
An organisation may route any identifier its own way; those overrides win over the tables.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from collab.work import routing_reasons as reasons
from collab.work.routing import CATEGORIES, UNCATEGORISED, Route
from collab.work.routing_reasons import Why

SOURCES = ("lighthouse", "screaming_frog", "csv")
_TEAMS = ("it", "marketing")
# Lighthouse's metric audits (LCP, TBT, CLS...) share one recommendation: they measure the same
# page load, and one task "make this page fast" serves them better than six.
METRICS_GROUP = "metrics"


class UnknownAuditCategory(ValueError):
    """An override naming a category that does not exist; the message lists those that do."""

    def __init__(self, key: str, slug: object) -> None:
        self.key = key
        self.slug = slug
        allowed = ", ".join(s for s, c in CATEGORIES.items() if c.teams)
        super().__init__(f"{key}: unknown category {slug!r}; choose one of: {allowed}")


# One team's share of a finding, as routing answers it for text: ``team`` is None only for
# triage (nothing recognised the identifier); ``matched`` is the identifier that decided, or
# None for triage.
AuditRoute = Route


@dataclass(frozen=True)
class TableRow:
    """One row of a routing table. ``key`` is the finding key it routes (the audit id, or the
    slug of the issue name); ``name`` the identifier as the tool writes it."""

    source: str
    key: str
    name: str
    category: str
    teams: tuple[str, ...]
    topic: str
    area: str = ""  # Lighthouse: the report section ("accessibility", "performance insight")
    group: str = ""  # Lighthouse: audits that share one recommendation


def issue_key(name: str) -> str:
    """A stable slug of an issue name: "Response Codes: Internal Client Error (4xx)" reads
    ``response_codes_internal_client_error_4xx``."""
    return "_".join(re.findall(r"[^\W_]+", name.casefold()))


def fingerprint(name: str) -> str:
    """Letters and digits only, so an issue name and the file name the tool derives from it
    ("Non-Sequential", ``nonsequential``; "Robots.txt", ``robots_txt``) meet."""
    return "".join(re.findall(r"[^\W_]+", name.casefold()))


def lighthouse_rows() -> tuple[TableRow, ...]:
    return _tables()[0]


def screaming_frog_rows() -> tuple[TableRow, ...]:
    return _tables()[1]


def lighthouse_group(audit_id: str) -> str:
    """The recommendation a Lighthouse audit feeds: its own, or the shared metrics one."""
    row = _lighthouse_index().get(audit_id)
    return row.group if row is not None and row.group else audit_id


def screaming_frog_issue(name: str) -> TableRow | None:
    """The table row for an issue name or an export's file stem, in any spelling the tool
    uses for it; None when the table does not know it."""
    return _screaming_frog_index().get(fingerprint(name))


def screaming_frog_families() -> frozenset[str]:
    """Fingerprints of the tool's issue families ("pagetitles", "responsecodes", "h1")."""
    return frozenset(fingerprint(row.name.split(":", 1)[0]) for row in screaming_frog_rows())


def check_overrides(overrides: Mapping[str, str]) -> dict[str, str]:
    """An organisation's overrides, checked: identifier -> category slug. Raises
    UnknownAuditCategory for a slug that is not a category ("uncategorised" is allowed: it
    sends the identifier to triage on purpose)."""
    checked = {}
    for key, slug in overrides.items():
        if not isinstance(key, str) or not key.strip():
            raise UnknownAuditCategory(str(key), slug)
        if slug != UNCATEGORISED and not (isinstance(slug, str) and _is_category(slug)):
            raise UnknownAuditCategory(key, slug)
        checked[key.strip()] = slug
    return checked


def route_finding(
    source: str, key: str, overrides: Mapping[str, str] | None = None
) -> tuple[AuditRoute, ...]:
    """One AuditRoute per owning team for a finding ``key`` of ``source``.

    Precedence: the organisation's ``overrides`` (keyed ``"source:key"`` or plain ``key``,
    the former winning), then the shipped table, then triage. Overrides naming no real
    category are ignored here (check_overrides refuses them when they are saved)."""
    for candidate in (f"{source}:{key}", key):
        slug = (overrides or {}).get(candidate)
        if slug == UNCATEGORISED:
            why = Why.of(reasons.AUDIT_OVERRIDE_TRIAGE, tool=source, key=key)
            return (AuditRoute(None, UNCATEGORISED, why, None),)
        if isinstance(slug, str) and _is_category(slug):
            teams = CATEGORIES[slug].teams
            why = Why.of(
                reasons.AUDIT_OVERRIDE, tool=source, key=key, category=slug, teams=" ".join(teams)
            )
            return tuple(AuditRoute(team, slug, why, key) for team in teams)
    row = _row(source, key)
    if row is None:
        why = Why.of(reasons.AUDIT_UNKNOWN, tool=source, key=key)
        return (AuditRoute(None, UNCATEGORISED, why, None),)
    why = Why.of(
        reasons.AUDIT_TABLE,
        tool=row.source,
        key=row.key,
        name=row.name,
        area=row.area or None,
        topic=row.topic,
        teams=" ".join(row.teams),
    )
    return tuple(AuditRoute(team, row.category, why, key) for team in row.teams)


def _is_category(slug: str) -> bool:
    found = CATEGORIES.get(slug)
    return found is not None and bool(found.teams)


def _row(source: str, key: str) -> TableRow | None:
    if source == "lighthouse":
        return _lighthouse_index().get(key)
    if source == "screaming_frog":
        return _screaming_frog_index().get(fingerprint(key))
    return None


@lru_cache(maxsize=1)
def _lighthouse_index() -> dict[str, TableRow]:
    return {row.key: row for row in lighthouse_rows()}


@lru_cache(maxsize=1)
def _screaming_frog_index() -> dict[str, TableRow]:
    index: dict[str, TableRow] = {}
    for row in screaming_frog_rows():
        # The key and the name both lead to the row, in every spelling of either.
        index.setdefault(fingerprint(row.name), row)
        index.setdefault(fingerprint(row.key), row)
    return index


@lru_cache(maxsize=1)
def _tables() -> tuple[tuple[TableRow, ...], tuple[TableRow, ...]]:
    lighthouse = tuple(
        TableRow(
            source="lighthouse",
            key=r["audit_id"],
            name=r["audit_id"],
            category=r["category"],
            teams=_teams(r["teams"]),
            topic=r["topic"],
            area=r["area"],
            group=r["group"],
        )
        for r in _read("lighthouse.csv")
    )
    frog = tuple(
        TableRow(
            source="screaming_frog",
            key=r["key"],
            name=r["issue_name"],
            category=r["category"],
            teams=_teams(r["teams"]),
            topic=r["topic"],
        )
        for r in _read("screaming_frog.csv")
    )
    for row in lighthouse + frog:
        # A broken table is a packaging mistake: fail loudly at first use, never route wrongly.
        if not _is_category(row.category) or not row.teams or not row.topic:
            raise ValueError(f"routing table row {row.key!r} is incomplete or names no category")
    return lighthouse, frog


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("collab.audits").joinpath("tables", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _teams(text: str) -> tuple[str, ...]:
    teams = tuple(t for t in _TEAMS if t in text.split())
    if len(teams) != len(text.split()):
        raise ValueError(f"unknown team in routing table: {text!r}")
    return teams


def extract_table_words(fileobj, _keywords, _comment_tags, options):
    """Babel's extractor for the tables (babel.cfg): each row's topic and Lighthouse area,
    which a routing reason says in the reader's language (collab.work.routing_reasons)."""
    rows = csv.DictReader(io.StringIO(fileobj.read().decode("utf-8")))
    for line, row in enumerate(rows, start=2):
        for words in (row.get("topic"), row.get("area")):
            if words:
                yield line, "gettext", words, []
