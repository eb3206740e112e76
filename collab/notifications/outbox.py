"""E-mail through the outbox: rows written with the change, sent by the relay, once each.

Requests and jobs only ever insert OutboxEmail rows in their own transaction, so nothing
is lost while Redis or the mail server is away; the relay job claims a row, sends it with
a Message-ID made from the row's id, and marks it sent."""

from __future__ import annotations

import logging
import socket
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from collab.models import Membership, Notification, Organization, OutboxEmail, User
from collab.models.accounts import DIRECTOR_ROLES
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.platform.mail import deliver

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)  # a claimed row whose sender died is tried again after this
MAX_ATTEMPTS = 8


def message_id(row_id: int) -> str:
    return f"<collab-outbox-{row_id}@{current_app.config.get('MAIL_DOMAIN', socket.getfqdn())}>"


def queue_email(
    to: str, subject: str, body: str, org: Organization | None = None, user: User | None = None
) -> OutboxEmail:
    row = OutboxEmail(
        organization_id=org.id if org else None,
        user_id=user.id if user else None,
        to_address=to,
        subject=subject[:300],
        body=body,
    )
    db.session.add(row)
    db.session.flush()
    return row


def email_rows_for_notifications(condition) -> int:
    """One e-mail per notification whose person wants e-mail at once: a single statement."""
    base = current_app.config["BASE_URL"].rstrip("/")
    body = (
        Notification.text
        + literal("\n\nOpen it in collab: " + base + "/orgs/")
        + Organization.slug
        + literal(
            "/notifications/\n\nYou get these at once; choose a daily digest on your profile."
        )
    )
    rows = (
        select(
            Notification.organization_id,
            Notification.user_id,
            Notification.id,
            User.email,
            literal("collab: ") + func.substr(Notification.text, 1, 200),
            body,
            literal(utcnow()),
        )
        .join(User, User.id == Notification.user_id)
        .join(Organization, Organization.id == Notification.organization_id)
        .where(condition, User.email_mode == "immediate", User.active.is_(True))
    )
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(OutboxEmail)
        .from_select(
            [
                "organization_id",
                "user_id",
                "notification_id",
                "to_address",
                "subject",
                "body",
                "created_at",
            ],
            rows,
        )
        .on_conflict_do_nothing(index_elements=["notification_id"])
        .returning(OutboxEmail.id)
    )
    return len(db.session.execute(statement).all())


def _copies(row: OutboxEmail) -> tuple[str, ...]:
    """Everything to or from the agency is copied to both directors."""
    if row.organization_id is None or row.user_id is None:
        return ()
    role = db.session.scalar(
        select(Membership.role).where(
            Membership.organization_id == row.organization_id, Membership.user_id == row.user_id
        )
    )
    if role != "agency":
        return ()
    return tuple(
        db.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organization_id == row.organization_id,
                Membership.active.is_(True),
                Membership.role.in_(DIRECTOR_ROLES),
                User.active.is_(True),
            )
            .order_by(User.email)
        )
    )


def _claim(row_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.id == row_id,
            OutboxEmail.sent_at.is_(None),
            or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),
        )
        .values(claimed_until=now + LEASE, attempts=OutboxEmail.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def relay(limit: int = 500, now: datetime | None = None) -> dict:
    """Sends pending e-mail. Safe to run in several workers at once: a row is claimed by
    one of them (an UPDATE that only one can win) before it is sent."""
    now = now or utcnow()
    pending = list(
        db.session.scalars(
            select(OutboxEmail.id)
            .where(
                OutboxEmail.sent_at.is_(None),
                OutboxEmail.attempts < MAX_ATTEMPTS,
                or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),
            )
            .order_by(OutboxEmail.id)
            .limit(limit)
        )
    )
    sent = failed = 0
    for row_id in pending:
        if not _claim(row_id, now):
            continue
        row = db.session.get(OutboxEmail, row_id)
        try:
            cc = tuple(c for c in row.cc.split(",") if c) or _copies(row)
            deliver(row.to_address, row.subject, row.body, message_id(row.id), cc)
        except Exception as exc:  # the row stays pending; the lease lets a later run retry
            failed += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            row.claimed_until = now + timedelta(seconds=30 * row.attempts)
            log.warning("mail outbox %s to %s failed: %s", row.id, row.to_address, exc)
        else:
            sent += 1
            row.sent_at = utcnow()
        db.session.commit()
    left = db.session.scalar(
        select(func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
    )
    return {"sent": sent, "failed": failed, "pending": left}
