"""Telegram: a person's linked chat and what they want there, the one-time codes that link
it, and the outbox of messages the relay sends to the Bot API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from collab.models.retries import Retried
from collab.platform.clock import UTCDateTime, utcnow
from collab.platform.extensions import db


class TelegramLink(db.Model):
    """The chat a person linked with ``/start CODE``, and which notices go there. One per
    person; the link is the person's own, across every organisation they belong to."""

    __tablename__ = "telegram_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)  # beyond 32 bits for groups
    assignments: Mapped[bool] = mapped_column(Boolean, default=True)
    mentions: Mapped[bool] = mapped_column(Boolean, default=True)
    # The alert levels wanted, as digits: "0" due soon, "1".."3" the overdue levels.
    alert_levels: Mapped[str] = mapped_column(String(8), default="123")
    digests: Mapped[bool] = mapped_column(Boolean, default=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TelegramCode(db.Model):
    """A one-time linking code: only its hash is stored, it lasts minutes, and it links once.
    A person has at most one: a new code replaces the old."""

    __tablename__ = "telegram_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TelegramMessage(Retried, db.Model):
    """A message to send to one chat, written in the transaction of what it tells; sent by
    the relay once (claimed first), tried again with the webhooks' back-off for a day, then
    shown to the platform's operators as failed."""

    __tablename__ = "telegram_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for answers to a chat that is not linked (a wrong code).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE")
    )
    # The notification it tells, so however often a notification's fan-out runs it goes once.
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), unique=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "ix_telegram_message_pending",
            "next_attempt_at",
            sqlite_where=db.text("sent_at IS NULL AND failed_at IS NULL"),
            postgresql_where=db.text("sent_at IS NULL AND failed_at IS NULL"),
        ),
    )


class TelegramUpdate(db.Model):
    """An update from Telegram already handled: Telegram sends one again when its webhook
    call timed out, and a poll resumes after the highest one seen."""

    __tablename__ = "telegram_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
