"""Lists of tasks beside the board: a person's own open work ("My tasks"), and the archive of
work rejected as not to be done or as a duplicate, with the reason the agency was given."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab.models import Organization, Task, User
from collab.models.work import OPEN_STATUSES
from collab.platform.extensions import db
from collab.platform.search import folded, like_pattern
from collab.work.board import Card, card_for

ARCHIVE_PAGE = 50


def my_open_tasks(org: Organization, user: User, today: date) -> list[Card]:
    """The open tasks assigned to this person, soonest due first (undated ones last), as the
    board's cards: the same flags, the same words."""
    tasks = db.session.scalars(
        select(Task)
        .options(selectinload(Task.assignee), selectinload(Task.recommendation))
        .where(
            Task.organization_id == org.id,
            Task.assignee_id == user.id,
            Task.status.in_(OPEN_STATUSES),
        )
        .order_by(Task.due_date.is_(None), Task.due_date, Task.priority_rank, Task.id)
        .limit(500)
    )
    return [card_for(task, today) for task in tasks]


def archived(org: Organization, words: str = "", page: int = 1) -> tuple[list[Task], bool]:
    """Rejected work, the latest decision first, whose title or reason holds every word
    typed; one page of ARCHIVE_PAGE, and whether another follows."""
    query = select(Task).where(Task.organization_id == org.id, Task.status == "rejected")
    for term in (words or "").split()[:8]:
        pattern = like_pattern(term)
        query = query.where(
            folded(Task.title).like(pattern, escape="\\")
            | folded(Task.reason).like(pattern, escape="\\")
        )
    rows = list(
        db.session.scalars(
            query.order_by(Task.status_changed_at.desc(), Task.id.desc())
            .offset((max(page, 1) - 1) * ARCHIVE_PAGE)
            .limit(ARCHIVE_PAGE + 1)
        )
    )
    return rows[:ARCHIVE_PAGE], len(rows) > ARCHIVE_PAGE
