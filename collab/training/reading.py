"""Who has read which version of a note: the "Mark as read" record, the directors' read
rates, "My training" and the notes the daily digest names.

A person's read is current while it covers the version in use; a newer version makes it
"stale" until they read again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError

from collab.accounts.roles import role_may
from collab.models import Event, Membership, Organization, Task, User
from collab.models.accounts import DIRECTOR_OF_TEAM
from collab.models.notes import SHIPPED_VERSION, NoteRead, NoteVersion
from collab.platform.clock import utcnow
from collab.platform.errors import PermissionDenied, ValidationFailed
from collab.platform.extensions import db
from collab.platform.i18n import current_language
from collab.platform.transactions import savepoint
from collab.training.versions import (
    current_note,
    current_notes,
    in_language,
    known_category,
    slug_of,
)
from collab.work.lifecycle import OPEN
from collab.work.routing import CATEGORIES

TASKS_SHOWN = 5  # per note on "My training"; the rest are counted
READ_STATES = ("unread", "stale", "read")  # also the order "My training" lists them in


def read_of(user_id: int, org: Organization, category: str) -> NoteRead | None:
    return db.session.scalar(
        select(NoteRead).where(
            NoteRead.user_id == user_id,
            NoteRead.organization_id == org.id,
            NoteRead.category == category,
        )
    )


def state_of(read: NoteRead | None, version: int) -> str:
    """One of "unread", "stale" (a newer version came out since) or "read"."""
    if read is None:
        return "unread"
    return "read" if read.version >= version else "stale"


def mark_read(
    membership: Membership, org: Organization, category: str, version: int | None = None
) -> NoteRead:
    """Records that the member read ``version`` (the one their page showed; the current one
    when not given). Reading an older version never undoes having read a newer one."""
    if not role_may(membership.role, "notes.mark_read"):
        raise PermissionDenied("your role does not keep a reading record")
    category = known_category(category)
    current = current_note(org, category).version
    if version is None:
        version = current
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= current:
        raise ValidationFailed(
            "the note was not marked as read",
            {"version": f"a version of this note, from 0 to {current}"},
        )
    read = read_of(membership.user_id, org, category)
    if read is None:
        read = NoteRead(
            user_id=membership.user_id,
            organization_id=org.id,
            category=category,
            version=version,
            read_at=utcnow(),
        )
        try:
            with savepoint():
                db.session.add(read)
        except IntegrityError:
            # A second click won the race: its row is the record, moved forward below.
            read = read_of(membership.user_id, org, category)
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
    an assignee who has read the current version of the task's note."""
    newest = (
        select(NoteVersion.category, func.max(NoteVersion.version).label("version"))
        .where(NoteVersion.organization_id == org.id)
        .group_by(NoteVersion.category)
        .subquery()
    )
    current = func.coalesce(newest.c.version, SHIPPED_VERSION)
    read = case((NoteRead.version >= current, 1), else_=0)
    query = (
        select(Task.team, Task.category, func.count(Task.id), func.sum(read))
        .outerjoin(newest, newest.c.category == Task.category)
        .outerjoin(
            NoteRead,
            and_(
                NoteRead.user_id == Task.assignee_id,
                NoteRead.organization_id == Task.organization_id,
                NoteRead.category == Task.category,
            ),
        )
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
    state: str
    read_at: datetime | None
    task_count: int
    tasks: list[Task]


def _reads(user_id: int, org: Organization) -> dict[str, NoteRead]:
    return {
        read.category: read
        for read in db.session.scalars(
            select(NoteRead).where(NoteRead.user_id == user_id, NoteRead.organization_id == org.id)
        )
    }


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
    items = []
    for category, count in counts.items():
        current = in_language(notes[slug_of(category)], current_language())
        tasks = list(
            db.session.scalars(
                select(Task)
                .where(condition, Task.category == category)
                .order_by(Task.priority_rank, Task.due_date.is_(None), Task.due_date, Task.id)
                .limit(TASKS_SHOWN)
            )
        )
        read = reads.get(current.category)
        items.append(
            TrainingItem(
                category=current.category,
                name=CATEGORIES[current.category].name,
                title=current.note.title,
                version=current.version,
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
    changed = set(
        db.session.scalars(
            select(NoteVersion.category)
            .where(NoteVersion.organization_id == org.id, NoteVersion.created_at >= since)
            .distinct()
        )
    )
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
        current = notes[category]
        state = state_of(reads.get(category), current.version)
        if state == "read":
            continue
        about = (
            f"“{current.note.title}” ({CATEGORIES[category].name}, {counts[category]} open "
            f"task{'s' if counts[category] != 1 else ''} of yours). "
            f"{base}/orgs/{org.slug}/notes/{category}"
        )
        if state == "stale":
            lines.append(f"Training note rewritten since you read it: {about}")
        elif category in changed and current.row is not None:
            lines.append(f"Training note with a new version, not read yet: {about}")
        else:
            lines.append(f"Training note for your new work: {about}")
    return lines
