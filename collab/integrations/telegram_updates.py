"""Updates from Telegram for deployments Telegram cannot call (no public URL): a periodic
``getUpdates`` poll, used only while no webhook secret is set (Telegram refuses to poll a
bot that has a webhook). Each update is handled as the webhook endpoint handles it
(collab.notifications.telegram.receive), and the next poll starts after the highest one
handled, which also confirms the earlier ones to Telegram."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from collab.integrations.telegram_relay import call, parsed
from collab.models.telegram import TelegramUpdate
from collab.notifications import telegram
from collab.notifications.telegram_outbox import enabled
from collab.platform.clock import utcnow
from collab.platform.extensions import db

log = logging.getLogger(__name__)
BATCH = 100  # Telegram's most per call
KEEP_ANSWER = 4_000_000  # characters: a full batch of long messages
FORGET_AFTER = timedelta(days=7)  # Telegram keeps unconfirmed updates for a day


def polling() -> bool:
    return enabled() and not current_app.config.get("TELEGRAM_WEBHOOK_SECRET")


def poll(now: datetime | None = None) -> dict:
    """Handles the updates waiting at Telegram; each is committed on its own. Then forgets
    the updates handled long ago (by the webhook endpoint too)."""
    now = now or utcnow()
    counts = {"handled": 0, "repeats": 0}
    _forget_old(now)
    if not polling():
        return counts
    last = db.session.scalar(select(func.max(TelegramUpdate.update_id)))
    payload = {"timeout": 0, "limit": BATCH, "allowed_updates": ["message"]}
    if last is not None:
        payload["offset"] = last + 1
    answer = call("getUpdates", payload, keep=KEEP_ANSWER)
    found = parsed(answer.body).get("result") if answer.ok else None
    if not isinstance(found, list):
        log.warning("telegram getUpdates failed: %s", answer.error or "no result in the answer")
        return counts
    for update in found:
        outcome = telegram.receive(update, now)
        db.session.commit()
        counts["repeats" if outcome == "repeat" else "handled"] += 1
    return counts


def _forget_old(now: datetime) -> None:
    highest = select(func.max(TelegramUpdate.update_id)).scalar_subquery()
    db.session.execute(
        delete(TelegramUpdate).where(
            TelegramUpdate.received_at < now - FORGET_AFTER,
            TelegramUpdate.update_id < highest,  # the highest stays: the next poll's offset
        )
    )
    db.session.commit()


def poll_line(counts: dict) -> str:
    return f"telegram updates: {counts['handled']} handled, {counts['repeats']} repeats"
