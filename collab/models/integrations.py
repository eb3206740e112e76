"""What collab tells other systems: outgoing webhooks and their deliveries, and the private
calendar feeds of people's due dates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collab.models.accounts import Organization
from collab.models.retries import Retried
from collab.platform.clock import UTCDateTime, utcnow
from collab.platform.extensions import db


class Webhook(db.Model):
    """A URL a director registered for some of the organisation's events. Deliveries are
    signed with ``secret``; after a rotation ``previous_secret`` signs too until
    ``previous_until``, so the receiver can switch without losing a message."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[str] = mapped_column(String(200))  # space-separated event types
    secret: Mapped[str] = mapped_column(String(100))  # whsec_<base64 key>
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a delivery kept failing for a day: nothing is sent until a director enables it.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str | None] = mapped_column(Text)

    organization: Mapped[Organization] = relationship()

    @property
    def event_types(self) -> list[str]:
        return self.events.split()

    __table_args__ = (Index("ix_webhook_org", "organization_id", "id"),)


class WebhookDelivery(Retried, db.Model):
    """One event for one webhook: written in the transaction of the change that caused it,
    sent by the relay (claimed by a conditional UPDATE, so one worker sends it), tried again
    with back-off, and kept as the webhook's delivery log (what was sent, what came back).

    ``message_id`` is the ``webhook-id`` header: the same on every attempt, and the same for
    every webhook that receives the event, so receivers can drop what they already have."""

    __tablename__ = "webhook_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)  # exactly the bytes signed and sent (UTF-8 JSON)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)  # the HTTP status that came back
    last_duration_ms: Mapped[int | None] = mapped_column(Integer)
    last_response: Mapped[str | None] = mapped_column(Text)  # the start of the answer's body
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("webhook_id", "message_id"),
        Index("ix_webhook_delivery_log", "webhook_id", "id"),
        Index(
            "ix_webhook_delivery_pending",
            "next_attempt_at",
            sqlite_where=db.text("delivered_at IS NULL AND failed_at IS NULL"),
            postgresql_where=db.text("delivered_at IS NULL AND failed_at IS NULL"),
        ),
    )


class CalendarFeed(db.Model):
    """A person's private calendar feed. The URL's token is derived from ``key`` and the
    app's secret key, so it can be shown again on the profile page and a stolen database
    alone does not give it; a new key (regenerate) or no row (revoke) ends the old URL."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MonthlyReportMailing(db.Model):
    """One row per organisation and month whose report e-mail was queued: the daily job
    may run any number of times on the first working day, the e-mail goes once."""

    __tablename__ = "monthly_report_mailing"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)  # the first day of the month reported
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("organization_id", "month"),)


class SlackChannel(db.Model):
    """An organisation's Slack incoming-webhook URL for one audience: the directors, IT or
    Marketing. The URL is itself the credential, so it is never shown back in full."""

    __tablename__ = "slack_channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(String(16))  # directors, it, marketing
    url: Mapped[str] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("organization_id", "audience"),)


class SlackMessage(Retried, db.Model):
    """A Slack message to post, written in the transaction of what it tells; posted by the
    relay once (claimed first), tried again with the webhooks' back-off for a day."""

    __tablename__ = "slack_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("slack_channel.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)  # the Block Kit JSON posted
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "ix_slack_message_pending",
            "next_attempt_at",
            sqlite_where=db.text("sent_at IS NULL AND failed_at IS NULL"),
            postgresql_where=db.text("sent_at IS NULL AND failed_at IS NULL"),
        ),
    )
