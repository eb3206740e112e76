"""Telegram messages through an outbox, as e-mail goes: rows written in the transaction of
what they tell (a notification, a digest, an answer to the chat), sent by the relay
(collab.integrations.telegram_relay) once each. With no bot token set nothing is written:
nobody can have linked a chat."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from collab.models import Alert, Notification, Organization, User
from collab.models.telegram import TelegramLink, TelegramMessage
from collab.notifications import telegram_texts as texts
from collab.platform.clock import utcnow
from collab.platform.errors import NotFound
from collab.platform.extensions import db
from collab.platform.i18n import speaking
from collab.platform.links import link

# Which notification kinds each preference lets through; alerts go by their level.
ASSIGNMENT_KINDS = frozenset({"task_assigned"})
MENTION_KINDS = frozenset({"mentioned"})  # @mentions in comments (collab.work.conversation)
ALERT_KIND = "alert"
ALERT_LEVELS = "0123"  # 0: due soon; 1 to 3: overdue levels (and triage waiting, level 1)
PENDING = (TelegramMessage.sent_at.is_(None), TelegramMessage.failed_at.is_(None))


def enabled() -> bool:
    return bool(current_app.config.get("TELEGRAM_BOT_TOKEN"))


def wants(chosen: TelegramLink, kind: str, alert_level: int | None) -> bool:
    """Whether a notification of ``kind`` goes to this linked chat."""
    if kind in ASSIGNMENT_KINDS:
        return chosen.assignments
    if kind in MENTION_KINDS:
        return chosen.mentions
    if kind == ALERT_KIND:
        return alert_level is not None and str(alert_level) in chosen.alert_levels
    return False


def queue_message(
    chat_id: int,
    text: str,
    user: User | None = None,
    org: Organization | None = None,
    now: datetime | None = None,
) -> TelegramMessage:
    now = now or utcnow()
    row = TelegramMessage(
        chat_id=chat_id,
        text=text,
        user_id=user.id if user else None,
        organization_id=org.id if org else None,
        created_at=now,
        next_attempt_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row


def messages_for_notifications(condition) -> int:
    """One message per notification (matching ``condition``) whose person linked a chat and
    wants its kind; a notification already told is skipped, so a repeated fan-out adds none."""
    if not enabled():
        return 0
    base = current_app.config["BASE_URL"]
    found = db.session.execute(
        select(
            Notification.id,
            Notification.user_id,
            Notification.organization_id,
            Notification.kind,
            Notification.text,
            Notification.task_id,
            Alert.level,
            Organization.slug,
            TelegramLink,
        )
        .join(TelegramLink, TelegramLink.user_id == Notification.user_id)
        .join(User, User.id == Notification.user_id)
        .join(Organization, Organization.id == Notification.organization_id)
        .outerjoin(Alert, Alert.id == Notification.alert_id)
        .where(condition, User.active.is_(True))
        .order_by(Notification.id)
    ).all()
    now = utcnow()
    rows = [
        {
            "notification_id": n_id,
            "user_id": user_id,
            "organization_id": org_id,
            "chat_id": chosen.chat_id,
            "text": texts.notice(
                text,
                link("tasks.show", base, org=slug, task_id=task_id)
                if task_id
                else link("notifications.index", base, org=slug),
            ),
            "created_at": now,
            "next_attempt_at": now,
            "attempts": 0,
        }
        for n_id, user_id, org_id, kind, text, task_id, level, slug, chosen in found
        if wants(chosen, kind, level)
    ]
    if not rows:
        return 0
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(TelegramMessage)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["notification_id"])
        .returning(TelegramMessage.id)
    )
    return len(db.session.execute(statement).all())


def queue_digest_notes(
    users: Iterable[User], compose: Callable[[], str], org: Organization | None = None
) -> list[TelegramMessage]:
    """A digest's note (the daily digest, the monthly report) to each of ``users`` who
    linked a chat and wants digests there, ``compose()`` in each one's language."""
    if not enabled():
        return []
    ids = {user.id: user for user in users}
    if not ids:
        return []
    chosen = db.session.scalars(
        select(TelegramLink)
        .where(TelegramLink.user_id.in_(ids), TelegramLink.digests.is_(True))
        .order_by(TelegramLink.user_id)
    )
    queued = []
    for c in chosen:
        with speaking(ids[c.user_id].language):
            queued.append(queue_message(c.chat_id, compose(), ids[c.user_id], org))
    return queued


def telegram_counts() -> dict[str, int]:
    """What operators watch: messages still to send, and messages that gave up."""
    pending, failed = db.session.execute(
        select(
            func.count().filter(TelegramMessage.failed_at.is_(None)),
            func.count().filter(TelegramMessage.failed_at.is_not(None)),
        ).where(TelegramMessage.sent_at.is_(None))
    ).one()
    return {"pending": pending, "failed": failed}


def failed_messages(limit: int = 200) -> list[TelegramMessage]:
    return list(
        db.session.scalars(
            select(TelegramMessage)
            .where(TelegramMessage.sent_at.is_(None), TelegramMessage.failed_at.is_not(None))
            .order_by(TelegramMessage.failed_at.desc(), TelegramMessage.id.desc())
            .limit(limit)
        )
    )


def retry_message(row_id: int) -> TelegramMessage:
    """An operator's retry: the message gets another day of attempts from the next run."""
    row = db.session.get(TelegramMessage, row_id)
    if row is None or row.sent_at is not None or row.failed_at is None:
        raise NotFound(
            gettext("no failed Telegram message with number %(id)s; reload the list", id=row_id)
        )
    row.failed_at = None
    row.first_attempt_at = None
    row.next_attempt_at = utcnow()
    db.session.flush()
    return row
