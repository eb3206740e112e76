"""The live board: every change to an organisation's cards is announced on its own channel
once the change has committed, so each board open anywhere looks again at what changed.

An announcement says only which lanes and which task ids changed, never what a task now
says: each board re-fetches the lanes through the same permission check as the page
itself, so nobody learns from the stream what the board would not show them. A change that
rolls back announces nothing; one that commits announces once, after the commit, so a board
re-fetching at once already reads the new state."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from collab.models import Task
from collab.platform import broadcast
from collab.platform.extensions import db
from collab.work import events

# More ids than this in one change (an audit import) and boards are told only the lanes.
MOST_IDS = 100


def channel(org_id: int) -> str:
    return f"collab:board:{org_id}"


def lane_key(status: str, team: str | None) -> str:
    return f"{status}:{team or ''}"


def board_changed(
    session: Session,
    org_id: int,
    lanes: Iterable[tuple[str, str | None]] = (),
    task_ids: Iterable[int] = (),
) -> None:
    """Notes, in the caller's transaction, that these lanes and tasks of the organisation
    changed; said on its channel when the transaction commits."""
    said = broadcast.to_say(session).setdefault(channel(org_id), {"lanes": set(), "tasks": set()})
    said["lanes"].update(lane_key(status, team) for status, team in lanes)
    if isinstance(said["tasks"], set):
        said["tasks"].update(task_ids)
        if len(said["tasks"]) > MOST_IDS:
            said["tasks"] = ()  # boards are told only the lanes


@events.task_changed.connect
def _task_changed(task: Task, **_) -> None:
    # Its lane changes too when only its assignee, priority or due date did; board_counts
    # notes the lanes a card left and entered.
    board_changed(db.session, task.organization_id, [(task.status, task.team)], [task.id])
