"""Each organisation's text of a training note: the one in use, its versions, what changed
between two of them, and going back to an earlier one.

A category's note reads the organisation's newest ``NoteVersion``, else the note shipped with
collab (version 0). The KPIs a note promises always come from the organisation's category ->
metrics map (``collab.impacts``), so the note and the measurement never disagree.

Saving writes inside a savepoint: when a colleague's save wins the race the function raises
Conflict and leaves the caller's session as it was; the request commits or rolls back.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

from flask_babel import gettext
from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from collab.accounts.roles import role_may
from collab.impacts.metric_map import category_map, metrics_for
from collab.models import Membership, Organization, facts_changed
from collab.models.notes import SHIPPED_VERSION, NoteVersion
from collab.platform.clock import utcnow
from collab.platform.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from collab.platform.extensions import db
from collab.platform.i18n import current_language
from collab.platform.transactions import savepoint
from collab.training import library as training
from collab.work.routing import CATEGORIES, UNCATEGORISED

TITLE_MAX = 200
BODY_MAX = 20_000


def slug_of(category: str | None) -> str:
    """The note a category reads: an unknown slug reads the uncategorised note."""
    return category if category in CATEGORIES else UNCATEGORISED


def known_category(category: str) -> str:
    if category not in CATEGORIES:
        raise NotFound("there is no such category")
    return category


# --- the text in use ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrentNote:
    note: training.Note  # the text in use, with the organisation's KPIs
    version: int  # 0: collab's shipped note
    row: NoteVersion | None  # the organisation's version, when it has one

    @property
    def category(self) -> str:
        return self.note.category


def _current(slug: str, row: NoteVersion | None, kpis: tuple[str, ...]) -> CurrentNote:
    if row is None:
        shipped = training.shipped_note(slug)
        note = training.Note(slug, shipped.title, kpis, shipped.body_md)
        return CurrentNote(note, SHIPPED_VERSION, None)
    return CurrentNote(training.Note(slug, row.title, kpis, row.body_md), row.version, row)


def in_language(current: CurrentNote, language: str) -> CurrentNote:
    """collab's own note in ``language`` when it ships in it (else in English: its
    ``note.language`` tells); an organisation's version reads as its editors wrote it."""
    if current.version != SHIPPED_VERSION or current.note.language == language:
        return current
    shipped = training.shipped_note(current.category, language)
    note = replace(
        current.note, title=shipped.title, body_md=shipped.body_md, language=shipped.language
    )
    return CurrentNote(note, current.version, current.row)


def current_note(org: Organization, category: str) -> CurrentNote:
    """The note a category's tasks read in this organisation, in the reader's language."""
    slug = slug_of(category)
    row = db.session.scalar(
        select(NoteVersion)
        .where(NoteVersion.organization_id == org.id, NoteVersion.category == slug)
        .order_by(NoteVersion.version.desc())
        .limit(1)
    )
    return in_language(_current(slug, row, tuple(metrics_for(org, slug))), current_language())


def current_notes(org: Organization, with_authors: bool = False) -> dict[str, CurrentNote]:
    """Every category's note in this organisation, in two statements (three with authors)
    whatever the number of categories: what a list of tasks or the library page reads."""
    newest = (
        select(NoteVersion.category, func.max(NoteVersion.version).label("version"))
        .where(NoteVersion.organization_id == org.id)
        .group_by(NoteVersion.category)
        .subquery()
    )
    query = (
        select(NoteVersion)
        .join(
            newest,
            and_(
                NoteVersion.category == newest.c.category,
                NoteVersion.version == newest.c.version,
            ),
        )
        .where(NoteVersion.organization_id == org.id)
    )
    if with_authors:
        query = query.options(selectinload(NoteVersion.author))
    rows = {row.category: row for row in db.session.scalars(query)}
    kpi_map = category_map(org)
    return {slug: _current(slug, rows.get(slug), tuple(kpi_map[slug])) for slug in CATEGORIES}


@dataclass(frozen=True)
class LibraryRow:
    slug: str
    name: str
    teams: tuple[str, ...]
    title: str
    version: int
    row: NoteVersion | None


def library(org: Organization) -> list[LibraryRow]:
    """Every category with the note its tasks read: the organisation's copy or collab's."""
    notes = current_notes(org, with_authors=True)
    rows = []
    language = current_language()
    for slug, category in CATEGORIES.items():
        current = in_language(notes[slug], language)
        rows.append(
            LibraryRow(
                slug,
                category.name,
                category.teams,
                current.note.title,
                current.version,
                current.row,
            )
        )
    return rows


# --- saving and restoring ----------------------------------------------------------------------


def _clean_title(title) -> str:
    return " ".join(str(title or "").split())


def _clean_body(body) -> str:
    text = str(body or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return text + "\n" if text.strip() else ""


def _may_edit(membership: Membership) -> None:
    if not role_may(membership.role, "notes.edit"):
        raise PermissionDenied("only the directors and the agency edit training notes")


def save_version(
    membership: Membership,
    org: Organization,
    category: str,
    title,
    body_md,
    base_version: int | None = None,
) -> NoteVersion | None:
    """Saves a new version of the organisation's note; None when nothing differs from the
    current text. ``base_version`` is the version the editor started from: when someone
    saved another one meanwhile, Conflict, so nobody overwrites a colleague's words."""
    _may_edit(membership)
    category = known_category(category)
    title, body = _clean_title(title), _clean_body(body_md)
    errors = {}
    if not title:
        errors["title"] = gettext("give the note a title")
    elif len(title) > TITLE_MAX:
        errors["title"] = gettext("at most %(count)s characters", count=TITLE_MAX)
    if not body:
        errors["body"] = gettext("write the note: an empty one would teach nothing")
    elif len(body) > BODY_MAX:
        errors["body"] = gettext("at most %(count)s characters", count=f"{BODY_MAX:,}")
    if errors:
        raise ValidationFailed(gettext("the note was not saved"), errors)
    current = current_note(org, category)
    if base_version is not None and base_version != current.version:
        raise Conflict(
            f"someone saved version {current.version} of this note while you were editing; "
            "your text is still in the form: compare it with theirs before saving again",
            current=current.version,
        )
    if (title, body) == (current.note.title, current.note.body_md):
        return None
    return _add_version(membership, org, category, title, body, current.version, None)


def _add_version(
    membership: Membership,
    org: Organization,
    category: str,
    title: str,
    body: str,
    after: int,
    reverted_from: int | None,
) -> NoteVersion:
    row = NoteVersion(
        organization_id=org.id,
        category=category,
        version=after + 1,
        title=title,
        body_md=body,
        author_id=membership.user_id,
        reverted_from=reverted_from,
        created_at=utcnow(),
    )
    try:
        with savepoint():
            db.session.add(row)
            db.session.flush()
            facts_changed(org.id)
    except IntegrityError as exc:
        # (organisation, category, version) is unique: a colleague saved version n + 1 first.
        raise Conflict(
            "someone saved a new version of this note at the same moment; "
            "open it again to see theirs"
        ) from exc
    return row


def revert(membership: Membership, org: Organization, category: str, version) -> NoteVersion:
    """Makes an earlier version (0: collab's note) current again, as a new version."""
    _may_edit(membership)
    category = known_category(category)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ValidationFailed("nothing was restored", {"version": "a version number"})
    title, body = text_of(org, category, version)
    current = current_note(org, category)
    if (title, body) == (current.note.title, current.note.body_md):
        raise ValidationFailed(
            "nothing was restored", {"version": "that text is already the current one"}
        )
    return _add_version(membership, org, category, title, body, current.version, version)


# --- reading versions --------------------------------------------------------------------------


def versions(org: Organization, category: str) -> list[NoteVersion]:
    """The organisation's versions of a note, newest first, with their authors."""
    return list(
        db.session.scalars(
            select(NoteVersion)
            .options(selectinload(NoteVersion.author))
            .where(NoteVersion.organization_id == org.id, NoteVersion.category == category)
            .order_by(NoteVersion.version.desc())
        )
    )


def text_of(org: Organization, category: str, version: int) -> tuple[str, str]:
    """(title, Markdown body) of a version; 0 is collab's shipped note."""
    if version == SHIPPED_VERSION:
        shipped = training.shipped_note(category)
        return shipped.title, shipped.body_md
    row = db.session.scalar(
        select(NoteVersion).where(
            NoteVersion.organization_id == org.id,
            NoteVersion.category == category,
            NoteVersion.version == version,
        )
    )
    if row is None:
        raise NotFound(f"this note has no version {version}")
    return row.title, row.body_md


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "hunk", "added", "removed", "same"
    text: str


def diff(org: Organization, category: str, old: int, new: int) -> list[DiffLine]:
    """What changed from version ``old`` to version ``new``, line by line (title first)."""
    before = _diff_text(*text_of(org, category, old))
    after = _diff_text(*text_of(org, category, new))
    kinds = {"@": "hunk", "+": "added", "-": "removed", " ": "same"}
    lines = difflib.unified_diff(before, after, lineterm="", n=3)
    return [DiffLine(kinds.get(line[:1], "same"), line[1:]) for line in list(lines)[2:]]


def _diff_text(title: str, body: str) -> list[str]:
    return [f"Title: {title}", "", *body.splitlines()]
