"""Alerts on late work, and the outboxes that deliver what collab has to say."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from collab.platform.clock import UTCDateTime, utcnow
from collab.platform.extensions import db


class Alert(db.Model):
    """One alert per (task, kind, level, due date): a rerun, a second worker or a doubled
    cron tick can only try to insert it again, and the unique key refuses."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(Integer)
    # The due date it is about (for triage_stale: the day the task entered triage), so
    # moving the due date re-arms every alert for the new date.
    due_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("task_id", "kind", "level", "due_date"),
        Index("ix_alert_org_open", "organization_id", "closed_at", "id"),
        Index(
            "ix_alert_unnotified",
            "id",
            sqlite_where=db.text("notified_at IS NULL"),
            postgresql_where=db.text("notified_at IS NULL"),
        ),
    )


class OutboxEmail(db.Model):
    """An e-mail to send, written in the same transaction as what caused it. The relay
    claims a row, sends it with a Message-ID derived from the row, then marks it sent:
    once per row, and a resend after a crash carries the same Message-ID."""

    __tablename__ = "outbox_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), unique=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    cc: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the last attempt failed: the row waits for an operator's retry, not the relay.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "ix_outbox_email_pending",
            "id",
            sqlite_where=db.text("sent_at IS NULL"),
            postgresql_where=db.text("sent_at IS NULL"),
        ),
    )
