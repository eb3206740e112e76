"""Posting Slack messages: the webhook deliveries' outbox discipline (claimed rows, the same
back-off for a day, the same checks on where a URL points) without their signing. A message
still failing after a day gives up and the directors get a notice in collab."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from collab.integrations import addresses, transport
from collab.integrations.deliveries import GIVE_UP_AFTER, LEASE, TIMEOUT_SECONDS, pause_after
from collab.models import Notification, Organization
from collab.models.integrations import SlackChannel, SlackMessage
from collab.notifications.inbox import directors
from collab.platform.claims import work_through
from collab.platform.clock import utcnow
from collab.platform.extensions import db

PENDING = (SlackMessage.sent_at.is_(None), SlackMessage.failed_at.is_(None))


def relay(now: datetime | None = None, limit: int = 200, budget_seconds: float = 30.0) -> dict:
    now = now or utcnow()

    def send(row: SlackMessage) -> str | None:
        channel = db.session.get(SlackChannel, row.channel_id)
        return None if channel is None else _post(row, channel, now)  # None: removed since

    done = work_through(
        SlackMessage,
        PENDING,
        now,
        send,
        limit,
        budget_seconds,
        next_attempt_at=now + LEASE,
        attempts=SlackMessage.attempts + 1,
    )
    return {"sent": 0, "failed": 0, "gave_up": 0, **done}


def relay_line(counts: dict) -> str:
    return f"slack: {counts['sent']} sent, {counts['failed']} failed, {counts['gave_up']} gave up"


def _post(row: SlackMessage, channel: SlackChannel, now: datetime) -> str:
    if row.first_attempt_at is None:
        row.first_attempt_at = now
    body = row.body.encode("utf-8")
    try:
        target = addresses.parse(channel.url)
        address = addresses.resolve(target, current_app.config["WEBHOOK_ALLOW_PRIVATE"])[0]
    except addresses.Refused as refused:
        answer = transport.Answer(None, 0, "", f"refused: {refused}")
    else:
        headers = {"content-type": "application/json"}
        answer = transport.post(target, address, headers, body, TIMEOUT_SECONDS)
    if answer.ok:
        row.sent_at = utcnow()
        row.last_error = None
        return "sent"
    row.last_error = answer.error
    deadline = row.first_attempt_at + GIVE_UP_AFTER
    if now >= deadline:
        row.failed_at = now
        org = db.session.get(Organization, row.organization_id)
        db.session.add_all(
            Notification(
                user_id=user.id,
                organization_id=org.id,
                kind="slack_failed",
                text=f"A Slack message to the {channel.audience} channel could not be posted "
                f"for a day ({answer.error}); check its URL on the webhook settings page.",
            )
            for user in directors(org)
        )
        return "gave_up"
    row.next_attempt_at = min(now + pause_after(row.attempts), deadline)
    return "failed"
