"""The daily digest: each person's unread notifications and the training notes new to them,
once a day by e-mail, with a note in Telegram for those who want digests there."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from flask import current_app
from sqlalchemy import or_, select

from collab.models import Membership, Notification, User
from collab.notifications import telegram_texts
from collab.notifications.outbox import queue_email
from collab.notifications.telegram_outbox import queue_digest_notes
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.training.reading import digest_lines


def send_digests(now: datetime | None = None) -> int:
    """One e-mail a day to each person who chose a digest: their unread notifications."""
    now = now or utcnow()
    due_before = now - timedelta(hours=20)  # a doubled daily tick sends nothing twice
    users = list(
        db.session.scalars(
            select(User).where(
                User.email_mode == "digest",
                User.active.is_(True),
                or_(User.last_digest_at.is_(None), User.last_digest_at < due_before),
            )
        )
    )
    base_url = current_app.config["BASE_URL"].rstrip("/")
    queued = 0
    for user in users:
        since = user.last_digest_at or now - timedelta(days=1)
        items = list(
            db.session.scalars(
                select(Notification)
                .where(
                    Notification.user_id == user.id,
                    Notification.read_at.is_(None),
                    Notification.created_at > since,
                )
                .order_by(Notification.organization_id, Notification.id)
            )
        )
        lines = [f"- {n.text}" for n in items]
        lines += _note_lines(user, since, base_url)
        user.last_digest_at = now
        if not lines:
            continue
        body = (
            f"Your collab digest for {now:%Y-%m-%d}:\n\n" + "\n".join(lines) + f"\n\n{base_url}/\n"
        )
        queue_email(user.email, f"collab digest: {len(lines)} item(s)", body, user=user)
        queue_digest_notes([user], partial(telegram_texts.digest, len(lines), f"{base_url}/"))
        queued += 1
    db.session.commit()
    return queued


def _note_lines(user: User, since: datetime, base_url: str) -> list[str]:
    """Training notes that are new to this person (the notes module says which)."""
    lines: list[str] = []
    for membership in db.session.scalars(
        select(Membership).where(Membership.user_id == user.id, Membership.active.is_(True))
    ):
        org = membership.organization
        lines += [f"- {line}" for line in digest_lines(user, org, since, base_url)]
    return lines
