"""Sending Telegram messages: the webhook deliveries' outbox discipline (claimed rows, the
same back-off for a day) against the Bot API at TELEGRAM_API_BASE.

Telegram's own word on when to try again wins: a 429 names ``retry_after`` seconds. A 400
or 403 (no such chat, the person blocked the bot) will not change by waiting, so the message
gives up at once. A message given up is shown on the operators' page with its error and a
retry button. With no bot token set, messages wait (nothing can be sent)."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from flask import current_app

from collab.integrations import addresses, transport
from collab.integrations.deliveries import GIVE_UP_AFTER, LEASE, TIMEOUT_SECONDS, pause_after
from collab.models.telegram import TelegramMessage
from collab.notifications.telegram_outbox import PENDING, enabled
from collab.platform.claims import work_through
from collab.platform.clock import utcnow

log = logging.getLogger(__name__)
PERMANENT = (400, 403)
MAX_RETRY_AFTER = timedelta(hours=1)  # a garbled retry_after never parks a message for days


def relay(now: datetime | None = None, limit: int = 200, budget_seconds: float = 30.0) -> dict:
    """Sends the messages that are due, each claimed first: safe in several workers at once."""
    now = now or utcnow()
    counts = {"sent": 0, "failed": 0, "gave_up": 0}
    if not enabled():
        return counts
    done = work_through(
        TelegramMessage,
        PENDING,
        now,
        lambda row: _send(row, now),  # an unlinked chat took its rows: work_through skips them
        limit,
        budget_seconds,
        next_attempt_at=now + LEASE,
        attempts=TelegramMessage.attempts + 1,
    )
    return {**counts, **done}


def relay_line(counts: dict) -> str:
    return (
        f"telegram: {counts['sent']} sent, {counts['failed']} failed, {counts['gave_up']} gave up"
    )


def call(method: str, payload: dict, keep: int = transport.KEEP_RESPONSE) -> transport.Answer:
    """One Bot API call. The API's address is the operator's setting, trusted as such (a
    local stand-in in tests), so it is not held to the webhooks' public-address rule."""
    config = current_app.config
    url = f"{config['TELEGRAM_API_BASE'].rstrip('/')}/bot{config['TELEGRAM_BOT_TOKEN']}/{method}"
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        target = addresses.parse(url)
        address = addresses.resolve(target, allow_private=True)[0]
    except addresses.Refused as refused:
        return transport.Answer(None, 0, "", f"refused: {refused}")
    headers = {"content-type": "application/json"}
    return transport.post(target, address, headers, body, TIMEOUT_SECONDS, keep)


def _send(row: TelegramMessage, now: datetime) -> str:
    if row.first_attempt_at is None:
        row.first_attempt_at = now
    answer = call(
        "sendMessage",
        {"chat_id": row.chat_id, "text": row.text, "link_preview_options": {"is_disabled": True}},
    )
    if answer.ok:
        row.sent_at = utcnow()
        row.last_error = None
        return "sent"
    row.last_error = f"{answer.error}: {_description(answer.body)}".rstrip(": ")[:2000]
    log.warning("telegram message %s failed: %s", row.id, row.last_error)
    if answer.status in PERMANENT or now >= row.first_attempt_at + GIVE_UP_AFTER:
        row.failed_at = now
        return "gave_up"
    wait = _retry_after(answer)
    if wait is None:
        wait = pause_after(row.attempts)
    row.next_attempt_at = min(now + wait, row.first_attempt_at + GIVE_UP_AFTER)
    return "failed"


def parsed(body: str) -> dict:
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _description(body: str) -> str:
    description = parsed(body).get("description")
    return description if isinstance(description, str) else ""


def _retry_after(answer: transport.Answer) -> timedelta | None:
    """The wait a 429 asks for (``parameters.retry_after``, in seconds)."""
    if answer.status != 429:
        return None
    parameters = parsed(answer.body).get("parameters")
    seconds = parameters.get("retry_after") if isinstance(parameters, dict) else None
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
        return None
    return min(timedelta(seconds=seconds), MAX_RETRY_AFTER)
