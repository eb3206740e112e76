"""Reading a requested change to a task: who may ask for it, and what each field means.

``wanted_changes`` reads without writing and names every refused field at once, so the
board, the task page, bulk triage and the API refuse the same things with the same words;
``collab.work.tasks`` applies what it returns."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from collab.models import PRIORITIES, RESOLUTIONS, Membership, Organization, Task, User
from collab.models.accounts import TEAM_ROLES
from collab.platform.clock import utcnow
from collab.platform.errors import Conflict, PermissionDenied, ValidationFailed
from collab.platform.extensions import db
from collab.work import lifecycle, routing

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
STALE = "someone else changed this task; here it is as it is now"
_UNSET = object()


def wanted_changes(
    actor: Membership, task: Task, changes: dict, version: int | None, prefix: str = ""
) -> dict[str, object]:
    """The fields that would really change (field -> new value, an assignee as a User, a
    duplicate as its Task), or the refusal: ValidationFailed naming every bad field (with
    ``prefix``, e.g. "items[2]."), PermissionDenied, or Conflict for a stale ``version``."""
    _check_request(actor, task, changes, version, prefix)
    org = task.recommendation.organization
    errors: dict[str, str] = {}
    wanted = _fields(actor, task, changes, prefix, errors)
    _assignee(org, task, changes, wanted, prefix, errors)
    _rejection(org, task, changes, wanted, prefix, errors)
    target = wanted.get("status", task.status)
    if target == "todo" and "status" in wanted and wanted.get("team", task.team) is None:
        errors[prefix + "team"] = "choose a team before accepting"
    if errors:
        raise ValidationFailed("the task was not changed", errors)
    return wanted


def _check_request(
    actor: Membership, task: Task, changes: dict, version: int | None, prefix: str
) -> None:
    errors = {prefix + name: "unknown field" for name in sorted(set(changes) - set(FIELDS))}
    if version is None or not isinstance(version, int) or isinstance(version, bool):
        errors[prefix + "version"] = "required: the version you last saw"
    if errors:
        raise ValidationFailed("the task was not changed", errors)
    if version != task.version:
        raise Conflict(STALE, current=task)
    role = actor.role
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


def _fields(actor: Membership, task: Task, changes: dict, prefix: str, errors: dict) -> dict:
    """Status, team, category, priority, dates and waiting: each checked on its own."""
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
            why = lifecycle.refusal(actor.role, task.team, task.status, status)
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
    return wanted


def _assignee(
    org: Organization, task: Task, changes: dict, wanted: dict, prefix: str, errors: dict
) -> None:
    """Only the team's staff and its director work a team's tasks (TEAM_ROLES): a new
    assignee must be one of them, and a re-teamed task leaves an assignee who is not."""
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
            elif member.role not in TEAM_ROLES[new_team]:
                errors[prefix + "assignee"] = f"not a member of the {new_team} team"
            elif member.user_id != task.assignee_id:
                wanted["assignee"] = member.user
    elif "team" in wanted and task.assignee is not None:
        current_role = db.session.scalar(
            select(Membership.role).where(
                Membership.organization_id == org.id, Membership.user_id == task.assignee_id
            )
        )
        if current_role not in TEAM_ROLES[new_team]:
            wanted["assignee"] = None


def _rejection(
    org: Organization, task: Task, changes: dict, wanted: dict, prefix: str, errors: dict
) -> None:
    """A rejection says why (for the agency) or which task it duplicates; nothing else may
    set a resolution."""
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
