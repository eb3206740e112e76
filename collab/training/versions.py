"""Each organisation's text of a training note: the one in use, its versions, what changed
between two of them, and going back to an earlier one, each in one language.

An organisation keeps a chain of versions per language (issue 12): a category's note in
English reads the organisation's newest English ``NoteVersion``, else the English note shipped
with collab (version 0), and likewise in Russian. Editing one language never changes what the
other language's readers see; where only the other language was edited, readers are told.
The KPIs a note promises always come from the organisation's category -> metrics map
(``collab.impacts``), in every language, so the note and the measurement never disagree.

Saving writes inside a savepoint: when a colleague's save wins the race the function raises
Conflict and leaves the caller's session as it was; the request commits or rolls back.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

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
from collab.platform.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language, supported
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
        raise NotFound(
            gettext(
                "there is no category %(category)s; choose a note from the list of notes",
                category=repr(category),
            )
        )
    return category


# --- the text in use ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrentNote:
    note: training.Note  # the text in use, with the organisation's KPIs
    version: int  # 0: collab's shipped note
    row: NoteVersion | None  # the organisation's version, when it has one
    language: str = DEFAULT_LANGUAGE  # whose readers get it (``note.language``: written in)
    edited_in: tuple[str, ...] = ()  # the languages the organisation has its own text in

    @property
    def category(self) -> str:
        return self.note.category

    @property
    def untranslated(self) -> bool:
        """collab's own note, which has no text in this language yet (it reads in English)."""
        return self.version == SHIPPED_VERSION and self.note.language != self.language

    @property
    def edited_elsewhere(self) -> tuple[str, ...]:
        """The other languages the organisation rewrote this note in while this language
        still reads collab's text: its readers are told, and pointed there."""
        if self.version != SHIPPED_VERSION:
            return ()
        return tuple(language for language in self.edited_in if language != self.language)


# A category's note in every language collab speaks: {language: its text in use}.
NoteInLanguages = dict[str, CurrentNote]


def note_language(language=None) -> str:
    """The language a note is read or written in: the one asked for ("ru", "ru-RU"), else
    the reader's. A language collab does not speak is refused, never silently replaced."""
    if language is None or language == "":
        return current_language()
    chosen = supported(language) if isinstance(language, str) else None
    if chosen is None:
        raise ValidationFailed(
            gettext("there is no note in that language"),
            {"language": gettext("English (en) or Russian (ru)")},
        )
    return chosen


def in_languages(slug: str, rows: dict[str, NoteVersion], kpis: tuple[str, ...]) -> NoteInLanguages:
    """Each language's text in use: the organisation's newest version in it, else collab's
    note shipped in it (else in English: ``untranslated`` says so)."""
    edited = tuple(language for language in LANGUAGES if language in rows)
    notes = {}
    for language in LANGUAGES:
        row = rows.get(language)
        if row is None:
            shipped = training.shipped_note(slug, language)
            note = training.Note(slug, shipped.title, kpis, shipped.body_md, shipped.language)
            notes[language] = CurrentNote(note, SHIPPED_VERSION, None, language, edited)
        else:
            note = training.Note(slug, row.title, kpis, row.body_md, language)
            notes[language] = CurrentNote(note, row.version, row, language, edited)
    return notes


def _newest_rows(org: Organization, category: str | None = None, with_authors: bool = False):
    """The organisation's newest version of each (category, language), in one statement."""
    newest = select(
        NoteVersion.category,
        NoteVersion.language,
        func.max(NoteVersion.version).label("version"),
    ).where(NoteVersion.organization_id == org.id)
    if category is not None:
        newest = newest.where(NoteVersion.category == category)
    newest = newest.group_by(NoteVersion.category, NoteVersion.language).subquery()
    query = (
        select(NoteVersion)
        .join(
            newest,
            and_(
                NoteVersion.category == newest.c.category,
                NoteVersion.language == newest.c.language,
                NoteVersion.version == newest.c.version,
            ),
        )
        .where(NoteVersion.organization_id == org.id)
    )
    if with_authors:
        query = query.options(selectinload(NoteVersion.author))
    rows: dict[str, dict[str, NoteVersion]] = {}
    for row in db.session.scalars(query):
        rows.setdefault(row.category, {})[row.language] = row
    return rows


def note_in_languages(org: Organization, category: str) -> NoteInLanguages:
    """A category's note in every language, as this organisation's tasks read it."""
    slug = slug_of(category)
    rows = _newest_rows(org, slug).get(slug, {})
    return in_languages(slug, rows, tuple(metrics_for(org, slug)))


def current_note(org: Organization, category: str, language: str | None = None) -> CurrentNote:
    """The note a category's tasks read in this organisation, in ``language`` (the
    reader's when not given)."""
    return note_in_languages(org, category)[note_language(language)]


def current_notes(org: Organization, with_authors: bool = False) -> dict[str, NoteInLanguages]:
    """Every category's note in this organisation in every language, in two statements
    (three with authors) whatever the number of categories: what a list of tasks or the
    library page reads."""
    rows = _newest_rows(org, with_authors=with_authors)
    kpi_map = category_map(org)
    return {
        slug: in_languages(slug, rows.get(slug, {}), tuple(kpi_map[slug])) for slug in CATEGORIES
    }


@dataclass(frozen=True)
class LibraryRow:
    slug: str
    name: str
    teams: tuple[str, ...]
    title: str  # in the reader's language
    version: int
    row: NoteVersion | None
    languages: tuple[CurrentNote, ...]  # every language's text in use, in LANGUAGES' order


def library(org: Organization) -> list[LibraryRow]:
    """Every category with the note its tasks read, in the reader's language and the state
    of each language: the organisation's copy or collab's."""
    notes = current_notes(org, with_authors=True)
    rows = []
    language = current_language()
    for slug, category in CATEGORIES.items():
        current = notes[slug][language]
        rows.append(
            LibraryRow(
                slug,
                category.name,
                category.teams,
                current.note.title,
                current.version,
                current.row,
                tuple(notes[slug][other] for other in LANGUAGES),
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
        raise PermissionDenied(
            gettext(
                "only the directors and the agency edit training notes; ask one of them "
                "to change this one"
            )
        )


def save_version(
    membership: Membership,
    org: Organization,
    category: str,
    title,
    body_md,
    base_version: int | None = None,
    language: str | None = None,
) -> NoteVersion | None:
    """Saves a new version of the organisation's note in ``language`` (the editor's when not
    given); None when nothing differs from that language's current text. ``base_version`` is
    the version of that language the editor started from: when someone saved another one
    meanwhile, Conflict, so nobody overwrites a colleague's words. The other language's text
    is left as it was."""
    _may_edit(membership)
    category = known_category(category)
    language = note_language(language)
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
    current = current_note(org, category, language)
    if base_version is not None and base_version != current.version:
        raise Conflict(
            gettext(
                "someone saved version %(version)s of this note while you were editing; "
                "your text is still in the form: compare it with theirs before saving again",
                version=current.version,
            ),
            current=current.version,
        )
    if (title, body) == (current.note.title, current.note.body_md):
        return None
    return _add_version(membership, org, current, title, body, None)


def _add_version(
    membership: Membership,
    org: Organization,
    current: CurrentNote,
    title: str,
    body: str,
    reverted_from: int | None,
) -> NoteVersion:
    row = NoteVersion(
        organization_id=org.id,
        category=current.category,
        language=current.language,
        version=current.version + 1,
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
        # (organisation, category, language, version) is unique: a colleague saved n + 1 first.
        raise Conflict(
            gettext(
                "someone saved a new version of this note at the same moment; "
                "open it again to see theirs"
            )
        ) from exc
    return row


def revert(
    membership: Membership, org: Organization, category: str, version, language=None
) -> NoteVersion:
    """Makes an earlier version of the note in ``language`` (0: collab's note in that
    language) current again, as a new version of that language."""
    _may_edit(membership)
    category = known_category(category)
    language = note_language(language)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ValidationFailed(
            gettext("nothing was restored"),
            {"version": gettext("choose a version from the note's history (0 is collab's note)")},
        )
    title, body = text_of(org, category, version, language)
    current = current_note(org, category, language)
    if (title, body) == (current.note.title, current.note.body_md):
        raise ValidationFailed(
            gettext("nothing was restored"),
            {
                "version": gettext(
                    "that text is already the current one; choose another version to restore"
                )
            },
        )
    return _add_version(membership, org, current, title, body, version)


# --- reading versions --------------------------------------------------------------------------


def versions(org: Organization, category: str, language: str | None = None) -> list[NoteVersion]:
    """The organisation's versions of a note in ``language``, newest first, with authors."""
    return list(
        db.session.scalars(
            select(NoteVersion)
            .options(selectinload(NoteVersion.author))
            .where(
                NoteVersion.organization_id == org.id,
                NoteVersion.category == category,
                NoteVersion.language == note_language(language),
            )
            .order_by(NoteVersion.version.desc())
        )
    )


def text_of(
    org: Organization, category: str, version: int, language: str | None = None
) -> tuple[str, str]:
    """(title, Markdown body) of a version in ``language``; 0 is collab's shipped note."""
    language = note_language(language)
    if version == SHIPPED_VERSION:
        shipped = training.shipped_note(category, language)
        return shipped.title, shipped.body_md
    row = db.session.scalar(
        select(NoteVersion).where(
            NoteVersion.organization_id == org.id,
            NoteVersion.category == category,
            NoteVersion.language == language,
            NoteVersion.version == version,
        )
    )
    if row is None:
        raise NotFound(
            gettext(
                "this note has no version %(version)s; choose one from its history",
                version=version,
            )
        )
    return row.title, row.body_md


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "hunk", "added", "removed", "same"
    text: str


def diff(
    org: Organization, category: str, old: int, new: int, language: str | None = None
) -> list[DiffLine]:
    """What changed from version ``old`` to version ``new`` of the note in ``language``,
    line by line (title first)."""
    before = _diff_text(*text_of(org, category, old, language))
    after = _diff_text(*text_of(org, category, new, language))
    kinds = {"@": "hunk", "+": "added", "-": "removed", " ": "same"}
    lines = difflib.unified_diff(before, after, lineterm="", n=3)
    return [DiffLine(kinds.get(line[:1], "same"), line[1:]) for line in list(lines)[2:]]


def _diff_text(title: str, body: str) -> list[str]:
    return [f"Title: {title}", "", *body.splitlines()]
