"""Triage decisions as a director makes them with one button, on a card, on the task page or
for several cards at once: accept, reject with a reason the agency reads, ask the agency a
question, mark as a duplicate. Each is a change ``collab.work.tasks`` applies, so the
buttons, the API's PATCH and bulk triage refuse the same things with the same words."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from collab.models import Membership, Organization, Task
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.platform.search import folded, like_pattern
from collab.work import tasks

# A change to several selected cards at once: the field each one sets, and what the bulk
# form must then say.
SETTINGS = {
    "team": ("team", _l("choose the team")),
    "assign": ("assignee", _l("choose who works on them")),
    "priority": ("priority", _l("choose the priority")),
    "due_date": ("due_date", _l("choose the due date")),
}


def decision_changes(decision: str, team=None, reason=None, duplicate_of=None) -> dict:
    """The change a decision stands for (the question of "ask" is not a change: see decide)."""
    if decision == "accept":
        return {"status": "todo", **({"team": team} if team else {})}
    if decision == "reject":
        return {"status": "rejected", "resolution": "wont_do", "reason": reason or ""}
    if decision == "duplicate":
        number = int(duplicate_of) if str(duplicate_of or "").isdigit() else duplicate_of
        return {
            "status": "rejected",
            "resolution": "duplicate",
            "duplicate_of": number,
            **({"reason": reason} if reason else {}),
        }
    raise ValidationFailed(
        gettext("the task was not changed"),
        {"decision": gettext("choose accept, reject, ask or duplicate")},
    )


def decide(
    actor: Membership,
    task: Task,
    decision: str,
    version: int | None,
    *,
    team=None,
    reason=None,
    question=None,
    duplicate_of=None,
) -> None:
    if decision == "ask":
        tasks.ask_the_agency(actor, task, question, version)
    else:
        tasks.update_task(
            actor, task, decision_changes(decision, team, reason, duplicate_of), version
        )


def duplicate_candidates(org: Organization, task: Task, words: str, limit: int = 20) -> list[Task]:
    """The organisation's other tasks whose title holds every word typed, newest first: the
    ones a director may mean by "duplicate of"."""
    terms = (words or "").split()[:8]
    if not terms:
        return []
    query = select(Task).where(Task.organization_id == org.id, Task.id != task.id)
    for term in terms:
        query = query.where(folded(Task.title).like(like_pattern(term), escape="\\"))
    return list(db.session.scalars(query.order_by(Task.id.desc()).limit(limit)))


def bulk_items(action: str, picks, values: dict) -> list[dict]:
    """The items of collab.work.tasks.update_many for one bulk action over the picked cards
    (``picks``: (id, version) pairs as the board showed them); ``values`` holds the bulk
    form's words: team, assignee, priority, due_date, reason, question, duplicate_of."""
    if action in SETTINGS:
        field, ask = SETTINGS[action]
        value = (values.get(field) or "").strip()
        if not value:
            raise ValidationFailed(gettext("no task was changed"), {field: str(ask)})
        # "-" clears the assignee: the board's "unassigned" choice
        changes = {field: None if (field, value) == ("assignee", "-") else value}
    elif action == "ask":
        changes = {"question": values.get("question") or ""}
    else:
        changes = decision_changes(
            action, values.get("team"), values.get("reason"), values.get("duplicate_of")
        )
    return [{"id": task_id, "version": version, **changes} for task_id, version in picks]
