"""Pure rules of a task's life: which status moves exist, and who may make them."""

from __future__ import annotations

from collections.abc import Iterable

from collab.accounts.roles import DIRECTORS, STAFF
from collab.models.work import CLOSED_STATUSES, OPEN_STATUSES

TRANSITIONS: dict[str, frozenset[str]] = {
    "triage": frozenset({"todo", "rejected"}),
    "todo": frozenset({"in_progress", "rejected", "triage"}),
    "in_progress": frozenset({"review", "done", "todo"}),
    "review": frozenset({"done", "in_progress"}),
    "done": frozenset({"in_progress"}),
    "rejected": frozenset({"triage"}),
}
# An alias of the one list, kept while collab.training.notes still reads it from here.
OPEN = OPEN_STATUSES
REOPENING = frozenset({("done", "in_progress"), ("rejected", "triage")})


def is_allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def refusal(role: str, task_team: str | None, current: str, target: str) -> str | None:
    """Why this role may not make this move ("forbidden: ..."), or None when it may.

    The move itself must already be in TRANSITIONS; this only answers "who"."""
    if role in DIRECTORS:
        return None
    if role not in STAFF:
        return "only directors and the task's team move tasks"
    if task_team != role:
        return "staff move only their own team's tasks"
    if target == "rejected" or (current, target) in REOPENING:
        return "only a director rejects or reopens a task"
    if "triage" in (current, target):
        return "triage belongs to the directors"
    return None


def recommendation_status(task_statuses: Iterable[str]) -> str:
    """A recommendation's status, derived from its tasks' statuses (API.md)."""
    statuses = list(task_statuses)
    if not statuses:
        return "triage"
    if all(s == "rejected" for s in statuses):
        return "rejected"
    if all(s in CLOSED_STATUSES for s in statuses):
        return "done"
    if any(s != "triage" and s != "rejected" for s in statuses):
        return "in_progress"
    return "triage"
