"""A person's notifications grouped by what they are about (a task, else a recommendation),
and a task's notifications read once its page is opened."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update

from collab.models import Notification, Organization, Recommendation, Task, User
from collab.notifications.inbox import notifications_of
from collab.platform.clock import utcnow
from collab.platform.extensions import db


@dataclass
class Group:
    title: str  # the task's or the recommendation's; "" for notifications about neither
    task_id: int | None
    recommendation_id: int | None
    items: list[Notification] = field(default_factory=list)

    @property
    def unread(self) -> int:
        return sum(1 for n in self.items if n.read_at is None)


def grouped(user: User, org: Organization, limit: int = 200) -> list[Group]:
    """The latest notifications in groups, those with unread ones first, then by the newest;
    within a group, newest first."""
    items = sorted(notifications_of(user, org, limit), key=lambda n: n.id, reverse=True)
    task_ids = {n.task_id for n in items if n.task_id is not None}
    recommendation_ids = {n.recommendation_id for n in items if n.task_id is None}
    titles = {
        ("task", i): t
        for i, t in db.session.execute(select(Task.id, Task.title).where(Task.id.in_(task_ids)))
    }
    titles |= {
        ("recommendation", i): t
        for i, t in db.session.execute(
            select(Recommendation.id, Recommendation.title).where(
                Recommendation.id.in_({i for i in recommendation_ids if i is not None})
            )
        )
    }
    groups: dict[tuple, Group] = {}
    for n in items:
        if n.task_id is not None:
            key = ("task", n.task_id)
            group = groups.setdefault(key, Group(titles.get(key, ""), n.task_id, None))
        elif n.recommendation_id is not None:
            key = ("recommendation", n.recommendation_id)
            group = groups.setdefault(key, Group(titles.get(key, ""), None, n.recommendation_id))
        else:
            group = groups.setdefault(("other",), Group("", None, None))
        group.items.append(n)
    return sorted(groups.values(), key=lambda g: (g.unread == 0, -g.items[0].id))


def read_task(user: User, org: Organization, task_id: int) -> int:
    """The person opened the task: its notifications are read (how many were not)."""
    return db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.organization_id == org.id,
            Notification.task_id == task_id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    ).rowcount
