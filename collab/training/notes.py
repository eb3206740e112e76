"""Training notes for tasks: each organisation's copy of a note (versioned), filled with the
task's own facts, and who has read which version.

The text of a category's note is the organisation's newest ``NoteVersion``, else the note
shipped with collab (version 0). The KPIs a note promises always come from the organisation's
category -> metrics map (``collab.impacts.metrics_for``), so the note and the measurement never
disagree; figures, measured results and history come from ``collab.impacts`` too. Until that
module provides them, notes simply go without those facts.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, g, has_request_context
from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from collab.accounts.roles import role_may
from collab.impacts import metric_map, results
from collab.kpis import totals
from collab.models import Event, Membership, Organization, Task, User
from collab.models.notes import SHIPPED_VERSION, NoteRead, NoteVersion
from collab.platform.clock import utcnow
from collab.platform.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from collab.platform.extensions import db
from collab.training import library as training
from collab.work.lifecycle import OPEN
from collab.work.routing import CATEGORIES, UNCATEGORISED

TITLE_MAX = 200
BODY_MAX = 20_000
TASKS_SHOWN = 5  # per note on "My training"; the rest are counted
DIRECTOR_TEAMS = {"cio": "it", "cmo": "marketing"}
READ_STATES = ("unread", "stale", "read")  # also the order "My training" lists them in


def _memo(key: tuple, compute: Callable):
    """Computes once per request (an API list asks the same question for many tasks)."""
    if not has_request_context():
        return compute()
    cache = g.setdefault("_notes_memo", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _forget() -> None:
    if has_request_context():
        g.pop("_notes_memo", None)


def slug_of(category: str | None) -> str:
    """The note a category reads: an unknown slug reads the uncategorised note."""
    return category if category in CATEGORIES else UNCATEGORISED


def known_category(category: str) -> str:
    if category not in CATEGORIES:
        raise NotFound("there is no such category")
    return category


def kpis_for(org: Organization, category: str) -> tuple[str, ...]:
    """The metrics the organisation measures this kind of work by."""
    slug = slug_of(category)

    def compute() -> tuple[str, ...]:
        return tuple(metric_map.metrics_for(org, slug))

    return _memo(("kpis", org.id, slug), compute)


# --- the current text ------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrentNote:
    note: training.Note  # the current text, with the organisation's KPIs
    version: int  # 0: collab's shipped note
    row: NoteVersion | None  # the organisation's version, when it has one

    @property
    def category(self) -> str:
        return self.note.category

    @property
    def is_shipped(self) -> bool:
        return self.row is None


def latest_version(org: Organization, category: str) -> NoteVersion | None:
    return db.session.scalar(
        select(NoteVersion)
        .where(NoteVersion.organization_id == org.id, NoteVersion.category == category)
        .order_by(NoteVersion.version.desc())
        .limit(1)
    )


def current_note(org: Organization, category: str) -> CurrentNote:
    slug = slug_of(category)

    def compute() -> CurrentNote:
        row = latest_version(org, slug)
        kpis = kpis_for(org, slug)
        if row is None:
            shipped = training.shipped_note(slug)
            return CurrentNote(
                training.Note(slug, shipped.title, kpis, shipped.body_md), SHIPPED_VERSION, None
            )
        return CurrentNote(training.Note(slug, row.title, kpis, row.body_md), row.version, row)

    return _memo(("note", org.id, slug), compute)


# --- facts from the task ---------------------------------------------------------------------


def _organization(task: Task) -> Organization:
    return task.recommendation.organization


def facts_for(task: Task) -> training.TaskFacts:
    org = _organization(task)
    slug = slug_of(task.category)
    kpis = kpis_for(org, slug)
    done = task.status == "done"
    # Only finished work has results (reopened work loses them), so open tasks skip the query.
    measured = list(results.measured_for_task(task)) if done else []
    return training.TaskFacts(
        url_count=task.recommendation.url_count,
        priority=task.priority,
        due_date=task.due_date,
        kpi_figures=_figures(org, kpis),
        measured=measured,
        # Unfinished work has no results and nothing after it to leave out: such tasks share
        # the category's whole history (one query per request); finished work sees only what
        # was finished before it.
        history=_history(org, slug, task.id if done else None),
    )


def _figures(org: Organization, kpis: tuple[str, ...]) -> dict[str, float]:
    def compute() -> dict[str, float]:
        if not kpis:
            return {}
        figures = totals.current_figures(org, kpis) or {}
        return {metric: figures[metric] for metric in kpis if metric in figures}

    return _memo(("figures", org.id, kpis), compute)


def _history(org: Organization, slug: str, exclude_task_id: int | None) -> list[dict]:
    """Earlier measured work of this category, leaving out ``exclude_task_id`` (and, for a
    finished task, whatever was finished after it); without one, the whole history."""

    def compute() -> list[dict]:
        return list(results.history_for_category(org, slug, exclude_task_id=exclude_task_id))

    if exclude_task_id is not None:
        return compute()
    return _memo(("history", org.id, slug), compute)


def history_for(org: Organization, category: str) -> list[dict]:
    """What earlier measured work of this category did in the organisation."""
    return _history(org, slug_of(category), None)


def note_for_task(task: Task) -> dict:
    """The task's ``training_note`` of the public API."""
    return training.api_note(current_note(_organization(task), task.category).note, facts_for(task))


def note_html(task: Task) -> tuple[str, str]:
    current = current_note(_organization(task), task.category)
    return current.note.title, training.render_html(training.fill(current.note, facts_for(task)))


def task_note(task: Task, membership: Membership | None) -> dict:
    """What the task page shows: the filled note, whether the viewer read this version, and
    what the viewer may do with it."""
    org = _organization(task)
    current = current_note(org, task.category)
    read = read_of(membership.user_id, org, current.category) if membership else None
    role = membership.role if membership else None
    return {
        "category": current.category,
        "category_name": CATEGORIES[current.category].name,
        "title": current.note.title,
        "kpis": [training.metric_label(m) for m in current.note.kpis],
        "body_html": training.render_html(training.fill(current.note, facts_for(task))),
        "version": current.version,
        "state": state_of(read, current.version),
        "read_at": read.read_at if read else None,
        "can_mark_read": role is not None and role_may(role, "notes.mark_read"),
        "can_edit": role is not None and role_may(role, "notes.edit"),
    }


# --- reading ---------------------------------------------------------------------------------


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
        db.session.add(read)
        try:
            db.session.flush()
        except IntegrityError:
            # A second click won the race; it is the request's first write, so a rollback
            # loses nothing (SQLite's driver cannot be trusted with savepoints).
            db.session.rollback()
            read = read_of(membership.user_id, org, category)
            if read is None:
                raise
    if read.version < version:
        read.version = version
        read.read_at = utcnow()
    _forget()
    return read


# --- editing ---------------------------------------------------------------------------------


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
        errors["title"] = "give the note a title"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"at most {TITLE_MAX} characters"
    if not body:
        errors["body"] = "write the note: an empty one would teach nothing"
    elif len(body) > BODY_MAX:
        errors["body"] = f"at most {BODY_MAX:,} characters"
    if errors:
        raise ValidationFailed("the note was not saved", errors)
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
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()  # the request's first write: nothing else is lost
        _forget()
        raise Conflict(
            "someone saved a new version of this note at the same moment; "
            "open it again to see theirs"
        ) from exc
    _forget()
    return row


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


# --- the library page --------------------------------------------------------------------------


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
    newest = (
        select(NoteVersion.category, func.max(NoteVersion.version).label("version"))
        .where(NoteVersion.organization_id == org.id)
        .group_by(NoteVersion.category)
        .subquery()
    )
    rows = {
        row.category: row
        for row in db.session.scalars(
            select(NoteVersion)
            .options(selectinload(NoteVersion.author))
            .join(
                newest,
                and_(
                    NoteVersion.category == newest.c.category,
                    NoteVersion.version == newest.c.version,
                ),
            )
            .where(NoteVersion.organization_id == org.id)
        )
    }
    out = []
    for slug, category in CATEGORIES.items():
        row = rows.get(slug)
        title = row.title if row else training.shipped_note(slug).title
        out.append(
            LibraryRow(slug, category.name, category.teams, title, row.version if row else 0, row)
        )
    return out


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


def _my_tasks_condition(membership: Membership):
    mine = Task.assignee_id == membership.user_id
    team = DIRECTOR_TEAMS.get(membership.role)
    return (mine | (Task.team == team)) if team else mine


def my_training(membership: Membership) -> list[TrainingItem]:
    """The notes of the member's open tasks (a director's: also their team's), the ones to
    read first: never read, then updated since read, then read."""
    org = membership.organization
    condition = and_(
        Task.organization_id == org.id, Task.status.in_(OPEN), _my_tasks_condition(membership)
    )
    counts = dict(
        db.session.execute(
            select(Task.category, func.count(Task.id)).where(condition).group_by(Task.category)
        ).all()
    )
    reads = {
        read.category: read
        for read in db.session.scalars(
            select(NoteRead).where(
                NoteRead.user_id == membership.user_id, NoteRead.organization_id == org.id
            )
        )
    }
    items = []
    for category, count in counts.items():
        current = current_note(org, category)
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


def digest_lines(user: User, org: Organization, since: datetime) -> list[str]:
    """For the daily e-mail: the notes of the user's open tasks that are new to them (a task
    of that kind was filed for or assigned to them since ``since``) or that got a new
    version since then, and that they have not read in their current version."""
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
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    lines = []
    for category in sorted(counts, key=lambda c: (-counts[c], c)):
        if category not in new and category not in changed:
            continue
        current = current_note(org, category)
        state = state_of(read_of(user.id, org, current.category), current.version)
        if state == "read":
            continue
        link = f"{base}/orgs/{org.slug}/notes/{current.category}"
        tasks = f"{counts[category]} open task{'s' if counts[category] != 1 else ''} of yours"
        if state == "stale":
            lines.append(
                f"Training note rewritten since you read it: “{current.note.title}” "
                f"({CATEGORIES[current.category].name}, {tasks}). {link}"
            )
        elif category in changed and current.row is not None:
            lines.append(
                f"Training note with a new version, not read yet: “{current.note.title}” "
                f"({CATEGORIES[current.category].name}, {tasks}). {link}"
            )
        else:
            lines.append(
                f"Training note for your new work: “{current.note.title}” "
                f"({CATEGORIES[current.category].name}, {tasks}). {link}"
            )
    return lines
