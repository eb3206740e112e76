"""Who has read which version of a note: the "Mark as read" record, the directors' read
rates, "My training" and the notes the daily digest names.

A person's read is current while it covers the version in use in the language they read
the note in; a newer version in that language makes it "stale" until they read again. An edit
in the other language concerns the other language's readers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from collab.accounts.roles import role_may
from collab.models import Event, Membership, Organization, Task, User
from collab.models.accounts import DIRECTOR_OF_TEAM
from collab.models.notes import SHIPPED_VERSION, NoteRead, NoteVersion
from collab.platform.clock import utcnow
from collab.platform.errors import PermissionDenied, ValidationFailed
from collab.platform.extensions import db
from collab.platform.i18n import DEFAULT_LANGUAGE, current_language, supported
from collab.platform.transactions import savepoint
from collab.training.versions import (
    NoteInLanguages,
    current_note,
    current_notes,
    known_category,
    note_language,
    slug_of,
)
from collab.work.lifecycle import OPEN
from collab.work.routing import CATEGORIES

TASKS_SHOWN = 5  # per note on "My training"; the rest are counted
READ_STATES = ("unread", "stale", "read")  # also the order "My training" lists them in


def read_of(
    user_id: int, org: Organization, category: str, language: str | None = None
) -> NoteRead | None:
    """The person's read of the note in ``language`` (the reader's when not given)."""
    return db.session.scalar(
        select(NoteRead).where(
            NoteRead.user_id == user_id,
            NoteRead.organization_id == org.id,
            NoteRead.category == category,
            NoteRead.language == note_language(language),
        )
    )


def state_of(read: NoteRead | None, version: int) -> str:
    """One of "unread", "stale" (a newer version came out since) or "read"."""
    if read is None:
        return "unread"
    return "read" if read.version >= version else "stale"


def state_in(reads: dict[str, NoteRead], note: NoteInLanguages, language: str | None) -> str:
    """A person's state for a category's note, given their reads by language. ``language``
    is the one they read in; None when nobody knows it (no profile language, outside their
    own request): then having read the current text in either language counts."""
    if language is not None:
        return state_of(reads.get(language), note[language].version)
    states = [state_of(read, note[lang].version) for lang, read in reads.items()]
    return max(states, key=READ_STATES.index, default="unread")


def mark_read(
    membership: Membership,
    org: Organization,
    category: str,
    version: int | None = None,
    language: str | None = None,
) -> NoteRead:
    """Records that the member read ``version`` of the note in ``language`` (the one their
    page showed; the current one in the reader's language when not given). Reading an older
    version never undoes having read a newer one."""
    if not role_may(membership.role, "notes.mark_read"):
        raise PermissionDenied(
            gettext("your role does not keep a reading record; there is nothing to mark")
        )
    category = known_category(category)
    language = note_language(language)
    current = current_note(org, category, language).version
    if version is None:
        version = current
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= current:
        raise ValidationFailed(
            gettext("the note was not marked as read"),
            {
                "version": gettext(
                    "%(version)s is not a version of this note; give one from 0 to %(current)s",
                    version=repr(version),
                    current=current,
                )
            },
        )
    read = read_of(membership.user_id, org, category, language)
    if read is None:
        read = NoteRead(
            user_id=membership.user_id,
            organization_id=org.id,
            category=category,
            language=language,
            version=version,
            read_at=utcnow(),
        )
        try:
            with savepoint():
                db.session.add(read)
        except IntegrityError:
            # A second click won the race: its row is the record, moved forward below.
            read = read_of(membership.user_id, org, category, language)
            if read is None:
                raise
    if read.version < version:
        read.version = version
        read.read_at = utcnow()
    return read


# --- read rates --------------------------------------------------------------------------------


@dataclass
class ReadRate:
    assignments: int = 0  # (open task, assignee) pairs
    read: int = 0  # ... whose assignee read the current version of the task's note
    by_category: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def percent(self) -> int | None:
        return round(100 * self.read / self.assignments) if self.assignments else None


def read_rates(org: Organization) -> dict[str, ReadRate]:
    """Per team ("it", "marketing"; "" for unrouted work): how many open, assigned tasks have
    an assignee who has read the current version of the task's note in their language (as
    ``state_in`` says: their profile's, else either)."""
    newest = (
        select(
            NoteVersion.category,
            NoteVersion.language,
            func.max(NoteVersion.version).label("version"),
        )
        .where(NoteVersion.organization_id == org.id)
        .group_by(NoteVersion.category, NoteVersion.language)
        .subquery()
    )
    has_read = exists(
        select(NoteRead.id)
        .outerjoin(
            newest,
            and_(newest.c.category == NoteRead.category, newest.c.language == NoteRead.language),
        )
        .where(
            NoteRead.user_id == Task.assignee_id,
            NoteRead.organization_id == Task.organization_id,
            NoteRead.category == Task.category,
            or_(User.language.is_(None), NoteRead.language == User.language),
            NoteRead.version >= func.coalesce(newest.c.version, SHIPPED_VERSION),
        )
    )
    query = (
        select(
            Task.team, Task.category, func.count(Task.id), func.sum(case((has_read, 1), else_=0))
        )
        .join(User, User.id == Task.assignee_id)
        .where(
            Task.organization_id == org.id,
            Task.status.in_(OPEN),
            Task.assignee_id.is_not(None),
        )
        .group_by(Task.team, Task.category)
    )
    rates = {"it": ReadRate(), "marketing": ReadRate()}
    for team, category, assignments, done in db.session.execute(query):
        rate = rates.setdefault(team or "", ReadRate())
        rate.assignments += assignments
        rate.read += int(done or 0)
        rate.by_category[category] = (assignments, int(done or 0))
    return rates


# --- My training -------------------------------------------------------------------------------


def team_led_by(role: str) -> str | None:
    """The team a director leads ("it" for the CIO); None for everyone else."""
    return next((team for team, director in DIRECTOR_OF_TEAM.items() if director == role), None)


@dataclass
class TrainingItem:
    category: str
    name: str
    title: str
    version: int
    language: str
    state: str
    read_at: datetime | None
    task_count: int
    tasks: list[Task]


def _reads(user_id: int, org: Organization) -> dict[str, dict[str, NoteRead]]:
    """The person's reads in the organisation: {category: {language: read}}."""
    reads: dict[str, dict[str, NoteRead]] = {}
    for read in db.session.scalars(
        select(NoteRead).where(NoteRead.user_id == user_id, NoteRead.organization_id == org.id)
    ):
        reads.setdefault(read.category, {})[read.language] = read
    return reads


def my_training(membership: Membership) -> list[TrainingItem]:
    """The notes of the member's open tasks (a director's: also their team's), the ones to
    read first: never read, then updated since read, then read."""
    org = membership.organization
    mine = Task.assignee_id == membership.user_id
    team = team_led_by(membership.role)
    condition = and_(
        Task.organization_id == org.id,
        Task.status.in_(OPEN),
        (mine | (Task.team == team)) if team else mine,
    )
    counts = dict(
        db.session.execute(
            select(Task.category, func.count(Task.id)).where(condition).group_by(Task.category)
        ).all()
    )
    if not counts:
        return []
    notes = current_notes(org)
    reads = _reads(membership.user_id, org)
    language = current_language()
    items = []
    for category, count in counts.items():
        current = notes[slug_of(category)][language]
        tasks = list(
            db.session.scalars(
                select(Task)
                .where(condition, Task.category == category)
                .order_by(Task.priority_rank, Task.due_date.is_(None), Task.due_date, Task.id)
                .limit(TASKS_SHOWN)
            )
        )
        read = reads.get(current.category, {}).get(language)
        items.append(
            TrainingItem(
                category=current.category,
                name=CATEGORIES[current.category].name,
                title=current.note.title,
                version=current.version,
                language=language,
                state=state_of(read, current.version),
                read_at=read.read_at if read else None,
                task_count=count,
                tasks=tasks,
            )
        )
    items.sort(key=lambda i: (READ_STATES.index(i.state), -i.task_count, i.name))
    return items


# --- the daily digest --------------------------------------------------------------------------


def digest_lines(user: User, org: Organization, since: datetime, base_url: str) -> list[str]:
    """For the daily e-mail: the notes of the user's open tasks that are new to them (a task
    of that kind was filed for or assigned to them since ``since``) or that got a new
    version since then, and that they have not read in their current version. Each line ends
    with a link to the note under ``base_url``, the address people reach collab at."""
    mine = and_(
        Task.organization_id == org.id,
        Task.status.in_(OPEN),
        Task.assignee_id == user.id,
    )
    counts: dict[str, int] = {}
    for category, count in db.session.execute(
        select(Task.category, func.count(Task.id)).where(mine).group_by(Task.category)
    ):
        counts[slug_of(category)] = counts.get(slug_of(category), 0) + count
    if not counts:
        return []
    new = set(
        db.session.scalars(select(Task.category).where(mine, Task.created_at >= since).distinct())
    )
    new |= set(
        db.session.scalars(
            select(Task.category)
            .join(Event, Event.task_id == Task.id)
            .where(
                mine,
                Event.kind == "changed",
                Event.field == "assignee",
                Event.new == user.email,
                Event.created_at >= since,
            )
            .distinct()
        )
    )
    # The digest is read outside the person's request: their profile's language, else
    # either (state_in).
    language = supported(user.language)
    edited = and_(NoteVersion.organization_id == org.id, NoteVersion.created_at >= since)
    if language is not None:
        edited = and_(edited, NoteVersion.language == language)
    changed = set(db.session.scalars(select(NoteVersion.category).where(edited).distinct()))
    new = {slug_of(category) for category in new}
    if not (new | changed) & set(counts):
        return []
    notes = current_notes(org)
    reads = _reads(user.id, org)
    base = base_url.rstrip("/")
    lines = []
    for category in sorted(counts, key=lambda c: (-counts[c], c)):
        if category not in new and category not in changed:
            continue
        current = notes[category][language or DEFAULT_LANGUAGE]
        state = state_in(reads.get(category, {}), notes[category], language)
        if state == "read":
            continue
        about = (
            f"“{current.note.title}” ({CATEGORIES[category].name}, {counts[category]} open "
            f"task{'s' if counts[category] != 1 else ''} of yours). "
            f"{base}/orgs/{org.slug}/notes/{category}"
        )
        if state == "stale":
            lines.append(f"Training note rewritten since you read it: {about}")
        elif category in changed:
            lines.append(f"Training note with a new version, not read yet: {about}")
        else:
            lines.append(f"Training note for your new work: {about}")
    return lines
