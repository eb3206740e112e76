"""Tasks: finding them, changing them (triage, moves, assignment), commenting on them.
One function serves the board, the task page and the API, so all of them refuse the same
things with the same words (collab.work.task_changes reads a change; this applies it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from collab.models import Comment, Event, Membership, Organization, Task, facts_changed
from collab.models.kpis import TaskImpact
from collab.models.work import OPEN_STATUSES
from collab.notifications.inbox import agency_contacts, notify
from collab.platform import queue
from collab.platform.clock import local_today, utcnow
from collab.platform.errors import (
    N_,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from collab.platform.extensions import db
from collab.platform.tenancy import row_of
from collab.platform.transactions import savepoint
from collab.work import board_counts, conversation, events, routing
from collab.work.deadlines import is_past_due
from collab.work.recommendations import PRIORITY_RANK, status_of
from collab.work.task_changes import STALE, wanted_changes


def task_in(org: Organization, task_id: int) -> Task:
    # With its recommendation, which every caller reads next: one statement, not two.
    return row_of(
        org.id,
        Task,
        task_id,
        N_("there is no task #%(id)s here; check the task's number"),
        options=[joinedload(Task.recommendation)],
    )


def titles_of(org: Organization, ids) -> dict[int, str]:
    """The titles of these tasks of the organisation, by id, in one statement."""
    wanted = sorted({i for i in ids if isinstance(i, int)})
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Task.id, Task.title).where(Task.organization_id == org.id, Task.id.in_(wanted))
    )
    return {task_id: title for task_id, title in rows}


def overdue_on(today: date):
    """collab.work.deadlines.is_overdue as a WHERE condition, for lists and filters."""
    return and_(Task.status.in_(OPEN_STATUSES), Task.due_date < today)


@dataclass
class Change:
    field: str
    old: object
    new: object


def update_task(
    actor: Membership,
    task: Task,
    changes: dict,
    version: int | None,
    prefix: str = "",
    question: str | None = None,
) -> list[Change]:
    """Applies a PATCH-like set of changes for `actor`, or raises without changing anything.

    `version` must be the task's current version (optimistic concurrency); a stale one
    raises Conflict carrying the task as it is now. The change is written inside a
    savepoint: a refusal undoes it alone, and the caller's other work stays. ``question``
    (see ask_the_agency) is what the agency is asked when the task starts waiting on it."""
    wanted = wanted_changes(actor, task, changes, version, prefix)
    if not wanted:
        return []
    try:
        with savepoint():
            return _apply(actor, task, task.recommendation.organization, wanted, question)
    except StaleDataError as exc:
        # Someone else's change won the race since the task was read. The savepoint's
        # rollback expired the task, so reading it again gives the winner's version.
        raise Conflict(str(STALE), current=db.session.get(Task, task.id)) from exc


def _apply(
    actor: Membership, task: Task, org: Organization, wanted: dict, question: str | None
) -> list[Change]:
    changes: list[Change] = []
    old_status, old_team = task.status, task.team
    now = utcnow()
    for field, value in wanted.items():
        if field == "assignee":
            old = task.assignee.email if task.assignee else None
            task.assignee = value
            changes.append(Change("assignee", old, value.email if value else None))
        elif field == "duplicate_of":
            old = task.duplicate_of_id
            task.duplicate_of = value
            changes.append(Change("duplicate_of", old, value.id))
        else:
            changes.append(Change(field, getattr(task, field), value))
            setattr(task, field, value)
    if "priority" in wanted:
        task.priority_rank = PRIORITY_RANK[task.priority]
    if "status" in wanted:
        task.status_changed_at = now
        if task.status == "triage":
            task.triage_since = local_today(org.timezone)
        if task.status == "in_progress" and task.started_at is None:
            task.started_at = now
        if task.status == "done" and "completed_at" not in wanted:
            task.completed_at = now
        if old_status == "done" and task.status != "done":
            task.completed_at = None  # reopened: it is no longer complete
        if old_status == "rejected":
            task.resolution = task.reason = None
            task.duplicate_of = None
        if task.status not in OPEN_STATUSES:
            task.waiting_on_agency = False
    if not changes:
        return changes
    if {"status", "due_date", "waiting_on_agency"} & set(wanted):
        task.alert_check_at = now  # the next scan looks at this task whatever its dates
    db.session.flush()
    if (
        "done" in (old_status, task.status)
        and {"status", "completed_at", "category"} & set(wanted)
        and _has_results(task)
    ):
        facts_changed(org.id)  # the results earlier work of its kind shows
    if (task.status, task.team) != (old_status, old_team):
        board_counts.add(org.id, old_status, old_team, -1)
        board_counts.add(org.id, task.status, task.team, +1)
    events.task_changed.send(
        task, old_status=old_status, due_date_changed="due_date" in wanted, now=now
    )
    if task.status == "done" and (old_status != "done" or "completed_at" in wanted):
        # Measured by a worker once the data is in; written now, with the change itself.
        queue.later("workers.jobs.measure_task_impact", task.id)
    for change in changes:
        Event.on_task(
            task,
            actor.user_id,
            "changed",
            field=change.field,
            old=_text(change.old),
            new=_text(change.new),
        )
    # An override changes what routing chose; filling in what it left open is none.
    chosen = {"team": task.routed_team, "category": task.routed_category}
    overridden = [
        c.field
        for c in changes
        if c.field in chosen and chosen[c.field] not in (None, routing.UNCATEGORISED)
    ]
    if overridden:
        Event.on_task(
            task,
            actor.user_id,
            "routing_override",
            field=",".join(overridden),
            old=f"{task.routed_team or 'unrouted'}/{task.routed_category}",
            new=f"{task.team or 'unrouted'}/{task.category}",
        )
    if "due_date" in wanted and is_past_due(task.due_date, local_today(org.timezone)):
        # Accepted, as backfilling needs, but never silently: the history says so.
        Event.on_task(task, actor.user_id, "warning", field="due_date", new=_text(task.due_date))
    if wanted.get("assignee") is not None:
        notify(
            [task.assignee],
            org,
            "task_assigned",
            lambda: gettext(
                "%(who)s assigned “%(title)s” to you.",
                who=actor.user.display_name,
                title=task.title,
            ),
            task=task,
            recommendation=task.recommendation,
            skip=actor.user,
        )
    _tell_the_agency(actor, task, org, changes, question)
    return changes


def _has_results(task: Task) -> bool:
    """Whether the task has measured impacts: only those are what earlier work of its kind
    did. Work reaching done for the first time has none yet (its job measures them, and
    says so then), so finishing it leaves every process's notes facts as they are."""
    measured = select(TaskImpact.id).where(
        TaskImpact.task_id == task.id, TaskImpact.status == "measured"
    )
    return db.session.scalar(measured.limit(1)) is not None


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _tell_the_agency(
    actor: Membership, task: Task, org: Organization, changes, question: str | None
) -> None:
    fields = {c.field: c for c in changes}
    recommendation = task.recommendation
    if "status" in fields and task.status == "rejected":

        def text():
            if task.resolution == "duplicate":
                return gettext(
                    "“%(title)s” was judged a duplicate: %(reason)s",
                    title=task.title,
                    reason=task.reason,
                )
            return gettext(
                "“%(title)s” was judged not to be done: %(reason)s",
                title=task.title,
                reason=task.reason,
            )

        notify(
            agency_contacts(recommendation),
            org,
            "task_rejected",
            text,
            task=task,
            recommendation=recommendation,
            skip=actor.user,
        )
    if fields.get("waiting_on_agency") and task.waiting_on_agency:
        _ask(actor, task, org, question)
    if "status" in fields and task.status == "done" and status_of(recommendation) == "done":
        notify(
            agency_contacts(recommendation),
            org,
            "recommendation_done",
            lambda: gettext("Done: “%(title)s”.", title=recommendation.title),
            task=task,
            recommendation=recommendation,
            skip=actor.user,
        )


def _ask(actor: Membership, task: Task, org: Organization, question: str | None) -> None:
    def text() -> str:
        if question:
            # One line: the notification's start becomes an e-mail subject.
            return gettext(
                "%(who)s asks about “%(title)s”: %(question)s (answer with a comment on the task)",
                who=actor.user.display_name,
                title=task.title,
                question=" ".join(question.split()),
            )
        return gettext(
            "More information is needed on “%(title)s”: please comment on the task.",
            title=task.title,
        )

    notify(
        agency_contacts(task.recommendation),
        org,
        "needs_information",
        text,
        task=task,
        recommendation=task.recommendation,
        skip=actor.user,
    )


def ask_the_agency(
    actor: Membership, task: Task, question, version: int | None, prefix: str = ""
) -> Comment:
    """A director's question to the agency: the task waits on its answer, the question is a
    comment the agency reads (and answers beside), and the agency is told in-app and by
    e-mail. Asking again while the task already waits tells the agency again."""
    if not isinstance(question, str) or not question.strip():
        raise ValidationFailed(
            gettext("the agency was not asked"),
            {prefix + "question": gettext("write the question to ask the agency")},
        )
    if len(question) > 5000:
        raise ValidationFailed(
            gettext("the agency was not asked"),
            {
                prefix + "question": gettext(
                    "%(count)s characters; shorten the question to at most 5,000",
                    count=len(question),
                )
            },
        )
    question = question.strip()
    changed = update_task(actor, task, {"waiting_on_agency": True}, version, prefix, question)
    if not changed:
        _ask(actor, task, task.recommendation.organization, question)
    return conversation.add_comment(actor, task, question)


def change_task(
    actor: Membership, task: Task, changes: dict, version: int | None, prefix: str = ""
) -> None:
    """A change as the API and bulk triage send it: fields to update (update_task), or a
    question for the agency (ask_the_agency), which goes alone."""
    if "question" not in changes:
        update_task(actor, task, changes, version, prefix)
        return
    if (
        not changes.keys() <= {"question", "waiting_on_agency"}
        or changes.get("waiting_on_agency", True) is not True
    ):
        raise ValidationFailed(
            gettext("the task was not changed"),
            {
                prefix + "question": gettext(
                    "ask the agency in a change of its own (with waiting_on_agency: true at most)"
                )
            },
        )
    ask_the_agency(actor, task, changes["question"], version, prefix)


def update_many(actor: Membership, org: Organization, items: list) -> list[Task]:
    """Several tasks in one go, all or nothing: errors name the item (items[2].status)."""
    if not isinstance(items, list) or not items:
        raise ValidationFailed(
            gettext("no task was selected"), {"items": gettext("select at least one task")}
        )
    if len(items) > 500:
        raise ValidationFailed(
            gettext("too many tasks at once"),
            {
                "items": gettext(
                    "%(count)s tasks selected; select at most 500 and change the rest next",
                    count=len(items),
                )
            },
        )
    errors: dict[str, str] = {}
    done: list[Task] = []
    # Every item is tried, so one answer names all the bad ones; any refusal leaves the
    # savepoint and undoes the items already applied.
    with savepoint():
        for index, item in enumerate(items):
            prefix = f"items[{index}]."
            if not isinstance(item, dict) or not isinstance(item.get("id"), int):
                errors[prefix + "id"] = gettext("give the number (id) of the task")
                continue
            try:
                task = task_in(org, item["id"])
                changes = {k: v for k, v in item.items() if k not in ("id", "version")}
                change_task(actor, task, changes, item.get("version"), prefix)
                done.append(task)
            except (ValidationFailed, NotFound) as exc:
                errors.update(exc.fields or {prefix + "id": exc.message})
            except PermissionDenied as exc:
                raise PermissionDenied(f"items[{index}]: {exc.message}") from exc
            except Conflict as exc:
                raise Conflict(f"items[{index}]: {exc.message}", current=exc.current) from exc
        if errors:
            raise ValidationFailed(gettext("no task was changed"), errors)
    return done


def history(task: Task, viewer: Membership) -> list[Event]:
    """The task's changes, oldest first. The agency never learns that an internal comment
    exists: it sees neither the comment nor the line saying one was written."""
    query = (
        select(Event)
        .options(selectinload(Event.actor))
        .where(Event.task_id == task.id)
        .order_by(Event.id)
    )
    if viewer.role == "agency":
        query = query.where(~((Event.kind == "commented") & (Event.new == "internal")))
    return list(db.session.scalars(query))
