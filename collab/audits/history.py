"""The organisation's audit imports as people read them: the list, and one import with the
recommendations it created, updated, verified and reopened, by title."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab.models import Organization, Recommendation
from collab.models.site_audits import AuditImport
from collab.platform.errors import N_
from collab.platform.extensions import db
from collab.platform.tenancy import row_of
from collab.work.recommendations import status_of

# The lists of an import's answer, in the order a reader wants them, with their headings
# (said in the reader's language where they are shown).
SECTIONS = (
    ("created", _l("New recommendations")),
    ("regressed", _l("Came back after being verified fixed")),
    ("updated", _l("Updated")),
    ("resolved", _l("Verified fixed: no longer found")),
)


@dataclass(frozen=True)
class Line:
    recommendation_id: int
    title: str
    status: str  # triage, in_progress, done, rejected; "removed" once undone away


@dataclass(frozen=True)
class Section:
    name: str
    heading: str
    lines: list[Line]


def problems_said(result: Mapping) -> list[str]:
    """Why some reports of an import verify nothing, in the reader's language; an import
    recorded before their terms were kept reads its English."""
    kept = result.get("problem_terms")
    if not kept:
        return list(result.get("problems", []))
    return [f"{p['file']}: {gettext(p['message'], **p['terms'])}" for p in kept]


def import_in(org: Organization, import_id: int) -> AuditImport:
    return row_of(
        org.id,
        AuditImport,
        import_id,
        N_("there is no audit import #%(id)s here; choose one from the list of imports"),
    )


def imports_of(org: Organization, limit: int = 50) -> list[AuditImport]:
    return list(
        db.session.scalars(
            select(AuditImport)
            .where(AuditImport.organization_id == org.id)
            .order_by(AuditImport.id.desc())
            .limit(limit)
        )
    )


def sections_of(record: AuditImport) -> list[Section]:
    """The import's recommendations by what it did to them (regressed ones are not repeated
    under "updated"), each with its title and status today."""
    result = record.result or {}
    regressed = set(result.get("regressed", []))
    wanted = {
        name: [rid for rid in result.get(name, []) if name == "regressed" or rid not in regressed]
        for name, _ in SECTIONS
    }
    ids = {rid for rids in wanted.values() for rid in rids}
    found = {
        r.id: r
        for r in db.session.scalars(
            select(Recommendation)
            .where(Recommendation.id.in_(ids))
            .options(selectinload(Recommendation.tasks))
        )
    }
    sections = []
    for name, heading in SECTIONS:
        lines = [
            Line(rid, found[rid].title, status_of(found[rid]))
            if rid in found
            else Line(rid, f"recommendation #{rid}", "removed")
            for rid in wanted[name]
        ]
        if lines:
            sections.append(Section(name, heading, lines))
    return sections
