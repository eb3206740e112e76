"""The audit log: sign-ins, API token use and changes to who may do what.

Written in the transaction of what it records (a refused change leaves no row), read by
each organisation's directors, newest first."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from collab.models import ApiToken, AuditEvent, Membership, Organization, User
from collab.platform.clock import utcnow
from collab.platform.extensions import db

# What each action means, in the words the audit page shows.
ACTIONS = {
    "signin.succeeded": "signed in",
    "signin.failed": "failed to sign in",
    "signout": "signed out everywhere",
    "password.changed": "changed their password",
    "password.reset": "set a new password through a reset link",
    "token.created": "created an API token",
    "token.revoked": "revoked an API token",
    "token.used": "used an API token",
    "role.changed": "changed a role",
    "member.deactivated": "ended a membership",
    "invitation.sent": "sent an invitation",
    "invitation.accepted": "accepted an invitation",
}
PAGE = 50


def record(
    action: str,
    org: Organization | int | None,
    *,
    actor: User | None = None,
    subject: User | None = None,
    email: str = "",
    detail: str = "",
    address: str | None = "",
) -> AuditEvent:
    if action not in ACTIONS:
        raise KeyError(f"unknown audit action {action!r}")
    event = AuditEvent(
        organization_id=org.id if isinstance(org, Organization) else org,
        action=action,
        actor_id=actor.id if actor else None,
        subject_id=subject.id if subject else None,
        email=(email or (subject.email if subject else "") or "")[:254],
        detail=detail[:500],
        address=(address or "")[:64],
    )
    db.session.add(event)
    return event


def record_for_person(
    action: str,
    person: User,
    *,
    actor: User | None = None,
    detail: str = "",
    address: str | None = "",
) -> int:
    """An event about a person, written once for each organisation they belong to (a person
    in none, a platform operator, gets one row that no organisation's directors see)."""
    orgs = list(
        db.session.scalars(
            select(Membership.organization_id).where(
                Membership.user_id == person.id, Membership.active.is_(True)
            )
        )
    ) or [None]
    for org_id in orgs:
        record(action, org_id, actor=actor, subject=person, detail=detail, address=address)
    return len(orgs)


def token_used(token: ApiToken, address: str | None, now: datetime | None = None) -> bool:
    """Records a token's first use in each clock hour, and its last use at most once a
    minute. A conditional UPDATE decides, so concurrent requests write one event."""
    now = now or utcnow()
    hour = now.replace(minute=0, second=0, microsecond=0)
    last = token.last_used_at
    if last is not None and now - last <= timedelta(minutes=1):
        return False
    first_this_hour = last is None or last < hour
    claimed = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            ApiToken.last_used_at.is_(None) if last is None else ApiToken.last_used_at == last,
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    token.last_used_at = now
    if first_this_hour:
        record_for_person(
            "token.used",
            token.user,
            actor=token.user,
            detail=f"token {token.prefix}… {token.name}".strip(),  # as tokens._label
            address=address,
        )
    return first_this_hour


def events_of(org: Organization, before: int | None = None, limit: int = PAGE):
    """A page of the organisation's events, newest first, and the cursor of the next."""
    query = (
        select(AuditEvent)
        .options(selectinload(AuditEvent.actor), selectinload(AuditEvent.subject))
        .where(AuditEvent.organization_id == org.id)
    )
    if before is not None:
        query = query.where(AuditEvent.id < before)
    rows = list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more else None)
