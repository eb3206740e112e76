"""Changing tasks: triage, moves, assignment, comments. One function serves the board,
the task page and the API, so all of them refuse the same things with the same words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from collab.models import (
    PRIORITIES,
    RESOLUTIONS,
    Comment,
    Event,
    Membership,
    Organization,
    Task,
    User,
)
from collab.notifications.inbox import agency_contacts, directors, notify
from collab.platform import queue
from collab.platform.clock import local_today, utcnow
from collab.platform.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from collab.platform.extensions import db
from collab.work import board_counts, events, lifecycle, routing
from collab.work.recommendations import PRIORITY_RANK, status_of

FIELDS = (
    "status",
    "team",
    "category",
    "assignee",
    "due_date",
    "priority",
    "started_at",
    "completed_at",
    "resolution",
    "reason",
    "duplicate_of",
    "waiting_on_agency",
)
DIRECTOR_ONLY = {
    "team",
    "category",
    "due_date",
    "priority",
    "started_at",
    "completed_at",
    "resolution",
    "reason",
    "duplicate_of",
    "waiting_on_agency",
}
_UNSET = object()


def task_in(org: Organization, task_id: int) -> Task:
    # With its recommendation, which every caller reads next: one statement, not two.
    task = db.session.get(Task, task_id, options=[joinedload(Task.recommendation)])
    if task is None or task.organization_id != org.id:
        raise NotFound("no such task")
    return task


@dataclass
class Change:
    field: str
    old: object
    new: object


def _parse_datetime(value, field: str, errors: dict) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors[field] = "an ISO 8601 date and time, e.g. 2026-03-01T09:00:00+03:00"
        return None
    if parsed.tzinfo is None:
        errors[field] = "give a time zone offset (e.g. +00:00)"
        return None
    if parsed > utcnow():
        errors[field] = "cannot be in the future"
        return None
    return parsed


def _member_by_email(org: Organization, email: str) -> Membership | None:
    return db.session.scalar(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.organization_id == org.id,
            Membership.active.is_(True),
            User.active.is_(True),
            User.email == email.strip().lower(),
        )
    )


def update_task(
    actor: Membership, task: Task, changes: dict, version: int | None, prefix: str = ""
) -> list[Change]:
    """Applies a PATCH-like set of changes for `actor`, or raises without changing anything.

    `version` must be the task's current version (optimistic concurrency); a stale one
    raises Conflict carrying the task as it is now."""
    org = task.recommendation.organization
    role = actor.role
    errors: dict[str, str] = {}
    unknown = sorted(set(changes) - set(FIELDS))
    for name in unknown:
        errors[prefix + name] = "unknown field"
    if version is None or not isinstance(version, int) or isinstance(version, bool):
        errors[prefix + "version"] = "required: the version you last saw"
    if errors:
        raise ValidationFailed("the task was not changed", errors)
    if version != task.version:
        raise Conflict("someone else changed this task; here it is as it is now", current=task)
    if role == "agency":
        raise PermissionDenied("the agency reads the board and comments; directors change tasks")
    if role in lifecycle.STAFF:
        if task.team != role:
            raise PermissionDenied("staff change only their own team's tasks")
        # Restating a value as it is (the team of the lane a card stays in) is no change.
        refused = sorted(
            name
            for name in DIRECTOR_ONLY & set(changes)
            if not (
                name in ("team", "category", "priority") and changes[name] == getattr(task, name)
            )
        )
        if refused:
            raise PermissionDenied("only a director may change " + ", ".join(refused))

    wanted: dict[str, object] = {}
    status = changes.get("status", _UNSET)
    if status is not _UNSET and status != task.status:
        if status not in lifecycle.TRANSITIONS:
            errors[prefix + "status"] = "one of " + ", ".join(lifecycle.TRANSITIONS)
        elif not lifecycle.is_allowed(task.status, status):
            allowed = ", ".join(sorted(lifecycle.TRANSITIONS[task.status]))
            raise ValidationFailed(
                f"a task cannot move from {task.status} to {status}",
                {prefix + "status": f"from {task.status}: {allowed}"},
            )
        else:
            why = lifecycle.refusal(role, task.team, task.status, status)
            if why:
                raise PermissionDenied(why)
            wanted["status"] = status

    team = changes.get("team", _UNSET)
    if team is not _UNSET and team != task.team:
        if team not in routing.TEAMS:
            errors[prefix + "team"] = "one of " + ", ".join(routing.TEAMS)
        else:
            wanted["team"] = team
    category = changes.get("category", _UNSET)
    if category is not _UNSET and category != task.category:
        if category not in routing.CATEGORIES or category == routing.UNCATEGORISED:
            allowed = [s for s in routing.CATEGORIES if s != routing.UNCATEGORISED]
            errors[prefix + "category"] = "unknown category; one of " + ", ".join(allowed)
        else:
            wanted["category"] = category
    priority = changes.get("priority", _UNSET)
    if priority is not _UNSET and priority != task.priority:
        if priority not in PRIORITIES:
            errors[prefix + "priority"] = "one of " + ", ".join(PRIORITIES)
        else:
            wanted["priority"] = priority
    due = changes.get("due_date", _UNSET)
    if due is not _UNSET:
        parsed = None
        if due not in (None, ""):
            try:
                parsed = date.fromisoformat(str(due))
            except ValueError:
                errors[prefix + "due_date"] = "a date as YYYY-MM-DD"
        if prefix + "due_date" not in errors and parsed != task.due_date:
            wanted["due_date"] = parsed
    for field in ("started_at", "completed_at"):
        value = changes.get(field, _UNSET)
        if value is not _UNSET:
            parsed = _parse_datetime(value, prefix + field, errors)
            if prefix + field not in errors and parsed != getattr(task, field):
                wanted[field] = parsed
    waiting = changes.get("waiting_on_agency", _UNSET)
    if waiting is not _UNSET:
        if not isinstance(waiting, bool):
            errors[prefix + "waiting_on_agency"] = "true or false"
        elif waiting != task.waiting_on_agency:
            wanted["waiting_on_agency"] = waiting

    new_team = wanted.get("team", task.team)
    assignee = changes.get("assignee", _UNSET)
    if assignee is not _UNSET:
        if assignee in (None, ""):
            if task.assignee_id is not None:
                wanted["assignee"] = None
        elif not isinstance(assignee, str):
            errors[prefix + "assignee"] = "an e-mail address of a team member"
        else:
            member = _member_by_email(org, assignee)
            if member is None:
                errors[prefix + "assignee"] = "not an active member of this organisation"
            elif new_team is None:
                errors[prefix + "assignee"] = "route the task to a team before assigning it"
            elif member.role not in (new_team, "cio" if new_team == "it" else "cmo"):
                errors[prefix + "assignee"] = f"not a member of the {new_team} team"
            elif member.user_id != task.assignee_id:
                wanted["assignee"] = member.user
    elif "team" in wanted and task.assignee is not None:
        # The old assignee belongs to the other team: the task goes back unassigned.
        current_role = db.session.scalar(
            select(Membership.role).where(
                Membership.organization_id == org.id, Membership.user_id == task.assignee_id
            )
        )
        if current_role not in (new_team, "cio", "cmo"):
            wanted["assignee"] = None

    target = wanted.get("status", task.status)
    resolution = changes.get("resolution", _UNSET)
    reason = changes.get("reason", _UNSET)
    duplicate_of = changes.get("duplicate_of", _UNSET)
    if target == "rejected" and "status" in wanted:
        resolution = None if resolution is _UNSET else resolution
        if resolution not in RESOLUTIONS:
            errors[prefix + "resolution"] = "required to reject: wont_do or duplicate"
        elif resolution == "wont_do":
            if not isinstance(reason, str) or not reason.strip():
                errors[prefix + "reason"] = "say why, for the agency"
            else:
                wanted.update(resolution="wont_do", reason=reason.strip()[:5000])
        else:
            original = None
            if isinstance(duplicate_of, int) and not isinstance(duplicate_of, bool):
                original = db.session.get(Task, duplicate_of)
            if original is None or original.organization_id != org.id:
                errors[prefix + "duplicate_of"] = "the id of the task this one duplicates"
            elif original.id == task.id:
                errors[prefix + "duplicate_of"] = "a task cannot duplicate itself"
            else:
                text = reason.strip()[:5000] if isinstance(reason, str) and reason.strip() else None
                wanted.update(
                    resolution="duplicate",
                    reason=text or f"duplicate of task {original.id}",
                    duplicate_of=original,
                )
    elif any(value is not _UNSET for value in (resolution, duplicate_of)):
        errors[prefix + "resolution"] = "only given when rejecting (status: rejected)"
    elif reason is not _UNSET and reason != task.reason:
        errors[prefix + "reason"] = "only given when rejecting (status: rejected)"

    if target == "todo" and "status" in wanted and new_team is None:
        errors[prefix + "team"] = "choose a team before accepting"
    if errors:
        raise ValidationFailed("the task was not changed", errors)
    return _apply(actor, task, org, wanted)


def _apply(actor: Membership, task: Task, org: Organization, wanted: dict) -> list[Change]:
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
        if task.status not in lifecycle.OPEN:
            task.waiting_on_agency = False
    if not changes:
        return changes
    if {"status", "due_date", "waiting_on_agency"} & set(wanted):
        task.alert_check_at = now  # the next scan looks at this task whatever its dates
    try:
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        current = db.session.get(Task, task.id)
        raise Conflict(
            "someone else changed this task; here it is as it is now", current=current
        ) from exc
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
    overridden = [c.field for c in changes if c.field in ("team", "category")]
    if overridden:
        Event.on_task(
            task,
            actor.user_id,
            "routing_override",
            field=",".join(overridden),
            old=f"{task.routed_team or 'unrouted'}/{task.routed_category}",
            new=f"{task.team or 'unrouted'}/{task.category}",
        )
    _tell_the_agency(actor, task, org, changes)
    return changes


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _tell_the_agency(actor: Membership, task: Task, org: Organization, changes) -> None:
    fields = {c.field: c for c in changes}
    recommendation = task.recommendation
    if "status" in fields and task.status == "rejected":
        verdict = "a duplicate" if task.resolution == "duplicate" else "not to be done"
        text = f"“{task.title}” was judged {verdict}: {task.reason}"
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
        notify(
            agency_contacts(recommendation),
            org,
            "needs_information",
            f"More information is needed on “{task.title}”: please comment on the task.",
            task=task,
            recommendation=recommendation,
            skip=actor.user,
        )
    if "status" in fields and task.status == "done" and status_of(recommendation) == "done":
        notify(
            agency_contacts(recommendation),
            org,
            "recommendation_done",
            f"Done: “{recommendation.title}”.",
            task=task,
            recommendation=recommendation,
            skip=actor.user,
        )


def update_many(actor: Membership, org: Organization, items: list) -> list[Task]:
    """Several tasks in one go, all or nothing: errors name the item (items[2].status)."""
    if not isinstance(items, list) or not items:
        raise ValidationFailed("nothing to change", {"items": "a non-empty list"})
    if len(items) > 500:
        raise ValidationFailed("too many tasks at once", {"items": "at most 500"})
    errors: dict[str, str] = {}
    done: list[Task] = []
    for index, item in enumerate(items):
        prefix = f"items[{index}]."
        if not isinstance(item, dict) or not isinstance(item.get("id"), int):
            errors[prefix + "id"] = "the task id"
            continue
        try:
            task = task_in(org, item["id"])
            changes = {k: v for k, v in item.items() if k not in ("id", "version")}
            # update_task validates before it writes, so a refused item changes nothing and
            # the caller's rollback undoes the items before it: no savepoint is needed.
            update_task(actor, task, changes, item.get("version"), prefix=prefix)
            done.append(task)
        except (ValidationFailed, NotFound) as exc:
            errors.update(exc.fields or {prefix + "id": exc.message})
        except PermissionDenied as exc:
            raise PermissionDenied(f"items[{index}]: {exc.message}") from exc
        except Conflict as exc:
            raise Conflict(f"items[{index}]: {exc.message}", current=exc.current) from exc
    if errors:
        raise ValidationFailed("no task was changed", errors)
    return done


def add_comment(actor: Membership, task: Task, body, internal=False) -> Comment:
    org = task.recommendation.organization
    errors = {}
    if not isinstance(body, str) or not body.strip():
        errors["body"] = "required"
    elif len(body) > 20_000:
        errors["body"] = "at most 20,000 characters"
    if not isinstance(internal, bool):
        errors["internal"] = "true or false"
    if errors:
        raise ValidationFailed("the comment was not saved", errors)
    if internal and actor.role == "agency":
        raise PermissionDenied("the agency cannot write internal comments")
    comment = Comment(
        organization_id=org.id,
        task_id=task.id,
        author_id=actor.user_id,
        author=actor.user,
        body=body.strip(),
        internal=internal,
    )
    db.session.add(comment)
    db.session.flush()
    Event.on_task(task, actor.user_id, "commented", new="internal" if internal else "public")
    if actor.role == "agency":
        if task.waiting_on_agency:
            # The agency answered: the task no longer waits, and its alerts resume.
            task.waiting_on_agency = False
            db.session.flush()
        notify(
            directors(org),
            org,
            "agency_comment",
            f"{actor.user.display_name} commented on “{task.title}”: {comment.body[:200]}",
            task=task,
            recommendation=task.recommendation,
        )
    return comment


def comments_for(task: Task, viewer: Membership) -> list[Comment]:
    query = select(Comment).where(Comment.task_id == task.id).order_by(Comment.id)
    if viewer.role == "agency":
        query = query.where(Comment.internal.is_(False))
    return list(db.session.scalars(query.options(selectinload(Comment.author))))  # with names


def history(task: Task) -> list[Event]:
    return list(
        db.session.scalars(select(Event).where(Event.task_id == task.id).order_by(Event.id))
    )
