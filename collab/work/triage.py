"""Triage decisions as a director makes them with one button, on a card, on the task page or
for several cards at once: accept, reject with a reason the agency reads, ask the agency a
question, mark as a duplicate. Each is a change ``collab.work.tasks`` applies, so the
buttons, the API's PATCH and bulk triage refuse the same things with the same words."""

from __future__ import annotations

from sqlalchemy import select

from collab.models import Membership, Organization, Task
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.platform.search import folded, like_pattern
from collab.work import tasks

DECISIONS = ("accept", "reject", "ask", "duplicate")


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
        "the task was not changed", {"decision": "choose accept, reject, ask or duplicate"}
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
