"""Webhook deliveries through an outbox: rows written in the transaction of the change that
caused them, sent by the relay, each claimed first (collab.platform.claims, as the e-mail
outbox claims its rows), so one worker sends it however many run.

Retries: the first within a minute, then back-off (x4 each time, at most six hours apart)
until a day has passed since the first attempt. A delivery still failing then gives up, the
webhook is disabled (nothing more is sent until a director enables it again) and the
directors get an e-mail and a notice. Unlike the e-mail outbox, a failure here is the
receiver's to fix, so it is shown to the organisation's directors, not the platform's
operators. Any 2xx is success; a redirect is a failure, never followed.

"Exactly once" as Standard Webhooks means it: every attempt of a delivery carries the same
``webhook-id``, so a receiver drops a repeat (a worker that died after sending, a director's
"send again").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from collab.integrations import addresses, signing, transport
from collab.models import Notification, Organization
from collab.models.integrations import Webhook, WebhookDelivery
from collab.notifications.inbox import directors
from collab.notifications.outbox import queue_email
from collab.platform.claims import work_through
from collab.platform.clock import utcnow
from collab.platform.extensions import db

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)  # longer than one attempt may take
FIRST_RETRY = timedelta(seconds=30)
MAX_PAUSE = timedelta(hours=6)
GIVE_UP_AFTER = timedelta(hours=24)
TIMEOUT_SECONDS = 10.0
PENDING = (WebhookDelivery.delivered_at.is_(None), WebhookDelivery.failed_at.is_(None))


def pause_after(attempts: int) -> timedelta:
    """How long a delivery waits after its ``attempts``-th failure: 30 s, 2 min, 8 min, 32 min,
    about 2 h, then every 6 h."""
    return min(FIRST_RETRY * 4 ** max(attempts - 1, 0), MAX_PAUSE)


def subscribed(org_id: int, event_types: Iterable[str]) -> dict[str, list[Webhook]]:
    """The organisation's enabled webhooks listening to each of ``event_types``."""
    wanted = {event: [] for event in event_types}
    hooks = db.session.scalars(
        select(Webhook).where(Webhook.organization_id == org_id, Webhook.disabled_at.is_(None))
    )
    for hook in hooks:
        for event in hook.event_types:
            if event in wanted:
                wanted[event].append(hook)
    return wanted


def queue_event(hooks: list[Webhook], event_type: str, data: dict, now: datetime) -> str | None:
    """One delivery per webhook of the same message (one ``webhook-id``, one body), in the
    caller's transaction. Returns the message id, None when no webhook listens."""
    if not hooks:
        return None
    message_id = signing.new_message_id()
    body = signing.payload(event_type, now.isoformat().replace("+00:00", "Z"), data)
    db.session.add_all(
        WebhookDelivery(
            webhook_id=hook.id,
            organization_id=hook.organization_id,
            message_id=message_id,
            event_type=event_type,
            body=body,
            created_at=now,
            next_attempt_at=now,
        )
        for hook in hooks
    )
    db.session.flush()
    return message_id


def signing_secrets(hook: Webhook, now: datetime) -> list[str]:
    """The current secret, and the one before it while a rotation's day lasts."""
    found = [hook.secret]
    if hook.previous_secret and hook.previous_until and hook.previous_until > now:
        found.append(hook.previous_secret)
    return found


def relay(now: datetime | None = None, limit: int = 200, budget_seconds: float = 50.0) -> dict:
    """Sends the deliveries that are due; stops taking new ones after ``budget_seconds`` so
    one slow receiver cannot hold the job past its next tick. Safe to run in several
    workers at once."""
    now = now or utcnow()

    def send(row: WebhookDelivery) -> str | None:
        hook = db.session.get(Webhook, row.webhook_id)
        return None if hook is None else attempt(row, hook, now)  # None: removed since

    done = work_through(
        WebhookDelivery,
        PENDING,
        now,
        send,
        limit,
        budget_seconds,
        narrowed=lambda query: query.join(Webhook, Webhook.id == WebhookDelivery.webhook_id).where(
            Webhook.disabled_at.is_(None)
        ),
        next_attempt_at=now + LEASE,
        attempts=WebhookDelivery.attempts + 1,
        last_attempt_at=now,
    )
    return {"delivered": 0, "failed": 0, "gave_up": 0, **done}


def relay_line(counts: dict) -> str:
    """What `flask jobs run webhooks` and the worker print."""
    return (
        f"webhooks: {counts['delivered']} delivered, {counts['failed']} failed (retried "
        f"later), {counts['gave_up']} gave up"
    )


def attempt(row: WebhookDelivery, hook: Webhook, now: datetime) -> str:
    """Sends one claimed delivery and records what came back: "delivered", "failed" (tried
    again later) or "gave_up"."""
    if row.first_attempt_at is None:
        row.first_attempt_at = now
    body = row.body.encode("utf-8")
    try:
        target = addresses.parse(hook.url)
        # Checked again at every send: the name may point elsewhere since registration.
        address = addresses.resolve(target, current_app.config["WEBHOOK_ALLOW_PRIVATE"])[0]
    except addresses.Refused as refused:
        answer = transport.Answer(None, 0, "", f"refused: {refused}")
    else:
        headers = signing.headers(
            signing_secrets(hook, now), row.message_id, int(now.timestamp()), body
        )
        answer = transport.post(target, address, headers, body, TIMEOUT_SECONDS)
    row.last_status = answer.status
    row.last_duration_ms = answer.duration_ms
    row.last_response = answer.body
    row.last_error = answer.error
    if answer.ok:
        row.delivered_at = utcnow()
        return "delivered"
    log.warning("webhook %s delivery %s failed: %s", hook.id, row.id, answer.error)
    deadline = row.first_attempt_at + GIVE_UP_AFTER
    if now >= deadline:
        row.failed_at = now
        if hook.disabled_at is None:
            _disable(hook, row, now)
        return "gave_up"
    row.next_attempt_at = min(now + pause_after(row.attempts), deadline)
    return "failed"


def _disable(hook: Webhook, row: WebhookDelivery, now: datetime) -> None:
    hook.disabled_at = now
    hook.disabled_reason = (
        f"{row.event_type} {row.message_id} kept failing for a day "
        f"({row.attempts} attempts; the last: {row.last_error or 'no answer'})"
    )[:2000]
    org = db.session.get(Organization, hook.organization_id)
    where = current_app.config["BASE_URL"].rstrip("/") + f"/orgs/{org.slug}/settings/webhooks/"
    subject = f"collab: webhook to {hook.url} disabled"
    body = (
        f"collab could not deliver events to the webhook {hook.url} of {org.name} for a "
        f"day: {row.attempts} attempts of {row.event_type} failed, the last with "
        f"{row.last_error or 'no answer'}.\n\n"
        "The webhook is now disabled: nothing more is sent to it. Once the receiver works "
        "again, enable it on the webhook settings page; what waited is sent then, and any "
        f"delivery can be sent again from its log:\n{where}\n"
    )
    for director in directors(org):
        queue_email(director.email, subject, body, org=org, user=director)
        db.session.add(
            Notification(
                user_id=director.id,
                organization_id=org.id,
                kind="webhook_disabled",
                text=f"The webhook to {hook.url} is disabled: it kept failing for a day.",
            )
        )


def pending_count(hook: Webhook) -> int:
    return db.session.scalar(
        select(func.count()).where(WebhookDelivery.webhook_id == hook.id, *PENDING)
    )
