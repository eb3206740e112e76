"""Cards per (organisation, status, team), kept in step with every task change.

The board reads these few rows instead of counting its tasks, so its cost does not grow
with the history. Upserts keep the numbers exact under concurrent writers: every change of
an organisation's cards adds to the same few rows, so a transaction sums its changes and
upserts them as it commits (collab.platform.transactions), holding those rows' locks for
its commit alone."""

from __future__ import annotations

from sqlalchemy import func, select, text

from collab.models import BoardCount, Task
from collab.platform.extensions import db
from collab.platform.transactions import add_at_commit, sums_written_by, write_sums
from collab.work import live

_SUMS = "board_counts"

# The same words on PostgreSQL and SQLite. Written out because SQLAlchemy compiles its
# dialects' ON CONFLICT anew on every call, and this runs on every change of a card.
_ADD = text(
    "INSERT INTO board_count (organization_id, status, team, count) "
    "VALUES (:organization_id, :status, :team, :delta) "
    "ON CONFLICT (organization_id, status, team) "
    "DO UPDATE SET count = board_count.count + excluded.count"
)


def add(org_id: int, status: str, team: str | None, delta: int) -> None:
    add_at_commit(_SUMS, (org_id, status, team or ""), delta)
    live.board_changed(db.session, org_id, [(status, team)])


def _upsert(session, sums: dict) -> None:
    session.execute(
        _ADD,
        [
            {"organization_id": org_id, "status": status, "team": team, "delta": delta}
            for (org_id, status, team), delta in sums.items()
        ],
    )


sums_written_by(_SUMS, _upsert)


def counts(org_id: int) -> dict[tuple[str, str | None], int]:
    write_sums(db.session, _SUMS)
    rows = db.session.execute(
        select(BoardCount.status, BoardCount.team, BoardCount.count).where(
            BoardCount.organization_id == org_id
        )
    )
    return {(status, team or None): count for status, team, count in rows}


def recount(org_id: int) -> dict[tuple[str, str | None], int]:
    """The same numbers the slow way; tests and repairs compare against it."""
    rows = db.session.execute(
        select(Task.status, Task.team, func.count())
        .where(Task.organization_id == org_id)
        .group_by(Task.status, Task.team)
    )
    return {(status, team): count for status, team, count in rows}


def all_counts() -> dict[tuple[str, str | None], int]:
    """Every organisation's cards per (status, team), summed: the scan's open-task figure."""
    write_sums(db.session, _SUMS)
    rows = db.session.execute(
        select(BoardCount.status, BoardCount.team, func.sum(BoardCount.count)).group_by(
            BoardCount.status, BoardCount.team
        )
    )
    return {(status, team or None): int(count) for status, team, count in rows}
