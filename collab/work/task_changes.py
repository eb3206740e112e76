"""Reading a requested change to a task: who may ask for it, and what each field means.

``wanted_changes`` reads without writing and names every refused field at once, so the
board, the task page, bulk triage and the API refuse the same things with the same words;
``collab.work.tasks`` applies what it returns."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from collab.models import PRIORITIES, RESOLUTIONS, Membership, Organization, Task, User
from collab.models.accounts import TEAM_LABELS, TEAM_ROLES
from collab.models.work import RESOLUTION_LABELS, STATUS_LABELS
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
# What each field is called where people read it: refusals and the task's history.
FIELD_LABELS = {
    "status": _l("Status"),
    "team": _l("Team"),
    "category": _l("Category"),
    "assignee": _l("Assignee"),
    "due_date": _l("Due date"),
    "priority": _l("Priority"),
    "started_at": _l("Started"),
    "completed_at": _l("Completed"),
    "resolution": _l("Resolution"),
    "reason": _l("Reason"),
    "duplicate_of": _l("Duplicate of"),
    "waiting_on_agency": _l("Waiting on the agency"),
    "version": _l("Version"),
}
STALE = _l("someone else changed this task; here it is as it is now")
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
        errors[prefix + "team"] = gettext("choose a team before accepting")
    if errors:
        raise ValidationFailed(gettext("the task was not changed"), errors)
    return wanted


def _check_request(
    actor: Membership, task: Task, changes: dict, version: int | None, prefix: str
) -> None:
    errors = {
        prefix + name: gettext("leave it out (a task has no such field)")
        for name in sorted(set(changes) - set(FIELDS))
    }
    if version is None or not isinstance(version, int) or isinstance(version, bool):
        errors[prefix + "version"] = gettext("required: the version you last saw")
    if errors:
        raise ValidationFailed(gettext("the task was not changed"), errors)
    if version != task.version:
        raise Conflict(str(STALE), current=task)
    role = actor.role
    if role == "agency":
        raise PermissionDenied(
            gettext("the agency reads the board and comments; directors change tasks")
        )
    if role in lifecycle.STAFF:
        if task.team != role:
            raise PermissionDenied(gettext("staff change only their own team's tasks"))
        # Restating a value as it is (the team of the lane a card stays in) is no change.
        refused = sorted(
            name
            for name in DIRECTOR_ONLY & set(changes)
            if not (
                name in ("team", "category", "priority") and changes[name] == getattr(task, name)
            )
        )
        if refused:
            named = ", ".join(str(FIELD_LABELS[name]).lower() for name in refused)
            raise PermissionDenied(
                gettext("only a director may change the %(fields)s", fields=named)
            )


def _fields(actor: Membership, task: Task, changes: dict, prefix: str, errors: dict) -> dict:
    """Status, team, category, priority, dates and waiting: each checked on its own."""
    wanted: dict[str, object] = {}
    status = changes.get("status", _UNSET)
    if status is not _UNSET and status != task.status:
        if status not in lifecycle.TRANSITIONS:
            errors[prefix + "status"] = gettext(
                "choose one of %(choices)s", choices=", ".join(lifecycle.TRANSITIONS)
            )
        elif not lifecycle.is_allowed(task.status, status):
            here, there = STATUS_LABELS[task.status], STATUS_LABELS[status]
            allowed = _either(STATUS_LABELS[s] for s in sorted(lifecycle.TRANSITIONS[task.status]))
            raise ValidationFailed(
                gettext("a task cannot go from %(here)s to %(there)s", here=here, there=there),
                {
                    prefix + "status": gettext(
                        "from %(here)s choose %(allowed)s", here=here, allowed=allowed
                    )
                },
            )
        else:
            why = lifecycle.refusal(actor.role, task.team, task.status, status)
            if why:
                raise PermissionDenied(why)
            wanted["status"] = status

    team = changes.get("team", _UNSET)
    if team is not _UNSET and team != task.team:
        if team not in routing.TEAMS:
            errors[prefix + "team"] = gettext("choose %(choices)s", choices=_either(routing.TEAMS))
        else:
            wanted["team"] = team
    category = changes.get("category", _UNSET)
    if category is not _UNSET and category != task.category:
        if category not in routing.CATEGORIES or category == routing.UNCATEGORISED:
            allowed = [s for s in routing.CATEGORIES if s != routing.UNCATEGORISED]
            errors[prefix + "category"] = gettext(
                "choose one of %(choices)s", choices=", ".join(allowed)
            )
        else:
            wanted["category"] = category
    priority = changes.get("priority", _UNSET)
    if priority is not _UNSET and priority != task.priority:
        if priority not in PRIORITIES:
            errors[prefix + "priority"] = gettext("choose %(choices)s", choices=_either(PRIORITIES))
        else:
            wanted["priority"] = priority
    due = changes.get("due_date", _UNSET)
    if due is not _UNSET:
        parsed = None
        if due not in (None, ""):
            try:
                parsed = date.fromisoformat(str(due))
            except ValueError:
                errors[prefix + "due_date"] = gettext(
                    "write the date as YYYY-MM-DD, e.g. 2026-03-31"
                )
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
            errors[prefix + "waiting_on_agency"] = gettext("answer true or false")
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
            errors[prefix + "assignee"] = gettext("give the e-mail address of a member of the team")
        else:
            member = _member_by_email(org, assignee)
            if member is None:
                errors[prefix + "assignee"] = gettext(
                    "choose someone who works here (%(email)s does not)", email=assignee.strip()
                )
            elif new_team is None:
                errors[prefix + "assignee"] = gettext(
                    "route the task to a team before assigning it"
                )
            elif member.role not in TEAM_ROLES[new_team]:
                errors[prefix + "assignee"] = gettext(
                    "choose someone from %(team)s (%(name)s is not in it)",
                    team=TEAM_LABELS[new_team],
                    name=member.user.display_name,
                )
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
            choices = _either(f"“{label}”" for label in RESOLUTION_LABELS.values())
            errors[prefix + "resolution"] = gettext(
                "to reject a task, choose %(choices)s", choices=choices
            )
        elif resolution == "wont_do":
            if not isinstance(reason, str) or not reason.strip():
                errors[prefix + "reason"] = gettext(
                    "say why it will not be done (the agency reads it)"
                )
            else:
                wanted.update(resolution="wont_do", reason=reason.strip()[:5000])
        else:
            original = None
            number = isinstance(duplicate_of, int) and not isinstance(duplicate_of, bool)
            if number:
                original = db.session.get(Task, duplicate_of)
            if duplicate_of in (_UNSET, None, ""):
                errors[prefix + "duplicate_of"] = gettext(
                    "give the number of the task this one duplicates"
                )
            elif not number:
                errors[prefix + "duplicate_of"] = gettext("write the task's number, e.g. 42")
            elif original is None or original.organization_id != org.id:
                errors[prefix + "duplicate_of"] = gettext(
                    "there is no task #%(id)s here; check the number of the task "
                    "this one duplicates",
                    id=duplicate_of,
                )
            elif original.id == task.id:
                errors[prefix + "duplicate_of"] = gettext(
                    "give another task's number (a task cannot duplicate itself)"
                )
            else:
                text = reason.strip()[:5000] if isinstance(reason, str) and reason.strip() else None
                wanted.update(
                    resolution="duplicate",
                    reason=text or f"duplicate of task {original.id}",
                    duplicate_of=original,
                )
    elif any(value is not _UNSET for value in (resolution, duplicate_of)):
        errors[prefix + "resolution"] = str(ONLY_WHEN_REJECTING)
    elif reason is not _UNSET and reason != task.reason:
        errors[prefix + "reason"] = str(ONLY_WHEN_REJECTING)


ONLY_WHEN_REJECTING = _l(
    "set the status to %(rejected)s too, or leave this empty (it is only for rejections)",
    rejected=STATUS_LABELS["rejected"],
)


def _either(words) -> str:
    """The choices a message offers, as a sentence says them: "a, b or c"."""
    words = list(words)
    if len(words) == 1:
        return str(words[0])
    return gettext("%(some)s or %(last)s", some=", ".join(map(str, words[:-1])), last=words[-1])


def _parse_datetime(value, field: str, errors: dict) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors[field] = gettext("write an ISO 8601 date and time, e.g. 2026-03-01T09:00:00+03:00")
        return None
    if parsed.tzinfo is None:
        errors[field] = gettext("add a time zone offset, e.g. +00:00")
        return None
    if parsed > utcnow():
        errors[field] = gettext("give a moment that has passed, not one in the future")
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
