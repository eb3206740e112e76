"""In-app notifications: who hears about what. E-mail and Telegram build on these rows."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update

from collab.models import Membership, Notification, Organization, Recommendation, Task, User
from collab.models.accounts import DIRECTOR_ROLES
from collab.notifications.delivery import deliver_notifications
from collab.platform.clock import utcnow
from collab.platform.extensions import db


def members_with_roles(org: Organization, roles: Iterable[str]) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organization_id == org.id,
                Membership.active.is_(True),
                Membership.role.in_(tuple(roles)),
                User.active.is_(True),
            )
        )
    )


def notify(
    users: Iterable[User],
    org: Organization,
    kind: str,
    text: str,
    task: Task | None = None,
    recommendation: Recommendation | None = None,
    skip: User | None = None,
) -> int:
    """Adds one notification per distinct user (never to the person who caused it)."""
    seen: set[int] = set()
    made: list[Notification] = []
    for user in users:
        if user.id in seen or (skip is not None and user.id == skip.id):
            continue
        seen.add(user.id)
        made.append(
            Notification(
                user_id=user.id,
                organization_id=org.id,
                kind=kind,
                text=text[:1000],
                task_id=task.id if task else None,
                recommendation_id=recommendation.id if recommendation else None,
            )
        )
    if made:
        db.session.add_all(made)
        db.session.flush()
        # E-mail and Telegram are written in the same transaction: they go if the change stands.
        deliver_notifications(Notification.id.in_([n.id for n in made]))
    return len(made)


def directors(org: Organization) -> list[User]:
    return members_with_roles(org, DIRECTOR_ROLES)


def agency_contacts(recommendation: Recommendation) -> list[User]:
    """The agency person who filed it; when a director filed it, the client's agency members."""
    filer = recommendation.filed_by
    org = recommendation.organization
    if filer is not None:
        role = db.session.scalar(
            select(Membership.role).where(
                Membership.user_id == filer.id,
                Membership.organization_id == org.id,
                Membership.active.is_(True),
            )
        )
        if role == "agency":
            return [filer]
    return members_with_roles(org, ("agency",))


def unread_count(user: User, org: Organization | None = None) -> int:
    query = select(func.count()).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if org is not None:
        query = query.where(Notification.organization_id == org.id)
    return db.session.scalar(query)


def notifications_of(user: User, org: Organization, limit: int = 100) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.organization_id == org.id)
            .order_by(Notification.read_at.is_not(None), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(user: User, org: Organization, ids: Iterable[int] | None = None) -> int:
    query = update(Notification).where(
        Notification.user_id == user.id,
        Notification.organization_id == org.id,
        Notification.read_at.is_(None),
    )
    if ids is not None:
        query = query.where(Notification.id.in_(list(ids)))
    return db.session.execute(query.values(read_at=utcnow())).rowcount


def open_notification(user: User, org: Organization, notification_id: int) -> Notification | None:
    """The person opens one of their notifications: it is read from now on. None when it is
    not theirs in this organisation (as if it did not exist)."""
    notification = db.session.get(Notification, notification_id)
    if (
        notification is None
        or notification.user_id != user.id
        or notification.organization_id != org.id
    ):
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification
