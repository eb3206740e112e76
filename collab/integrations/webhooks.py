"""Directors' webhooks: registering, listing, removing, rotating secrets, enabling again,
and each one's delivery log with "send again". The API and the settings page call these,
so both refuse the same things with the same words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import delete, func, select, update

from collab.integrations import addresses, signing
from collab.models import Membership, Organization
from collab.models.integrations import Webhook, WebhookDelivery
from collab.platform.clock import utcnow
from collab.platform.errors import NotFound, ValidationFailed
from collab.platform.extensions import db
from collab.platform.transactions import savepoint

EVENTS = ("recommendation.filed", "task.updated", "task.done", "alert.raised", "impact.measured")
ROTATION_OVERLAP = timedelta(hours=24)  # the old secret keeps signing this long
MAX_WEBHOOKS = 20  # per organisation
LOG_PAGE = 50


@dataclass
class Registered:
    webhook: Webhook
    secret: str  # shown once, to whoever registered or rotated it


def check_url(url: object) -> str:
    """The URL as it will be stored, or ValidationFailed naming what is wrong. Where private
    networks are refused, the name must resolve, and only to public addresses."""
    try:
        target = addresses.parse(url)
        if not current_app.config["WEBHOOK_ALLOW_PRIVATE"]:
            addresses.resolve(target, allow_private=False)
    except addresses.Refused as refused:
        why = refused.said()
        raise ValidationFailed(
            gettext("the webhook URL was refused: %(why)s", why=why), {"url": why}
        ) from None
    return url.strip()


def _events(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValidationFailed(
            gettext("choose the events to send"),
            {"events": gettext("a list of one or more of %(events)s", events=", ".join(EVENTS))},
        )
    unknown = [e for e in value if not isinstance(e, str) or e not in EVENTS]
    if unknown:
        raise ValidationFailed(
            gettext("unknown event"),
            {
                "events": gettext(
                    "unknown: %(event)s; one of %(events)s",
                    event=repr(unknown[0]),
                    events=", ".join(EVENTS),
                )
            },
        )
    return [e for e in EVENTS if e in value]  # the documented order, each once


def register(org: Organization, actor: Membership, data: dict) -> Registered:
    errors: dict[str, str] = {}
    try:
        url = check_url(data.get("url"))
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        events = _events(data.get("events"))
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(
            gettext("the webhook was not registered: %(why)s", why="; ".join(errors.values())),
            errors,
        )
    count = db.session.scalar(select(func.count()).where(Webhook.organization_id == org.id))
    if count >= MAX_WEBHOOKS:
        raise ValidationFailed(
            gettext("an organisation has at most %(count)s webhooks", count=MAX_WEBHOOKS),
            {"url": gettext("remove one you no longer use first")},
        )
    secret = signing.new_secret()
    hook = Webhook(
        organization_id=org.id,
        url=url,
        events=" ".join(events),
        secret=secret,
        created_by_id=actor.user_id,
    )
    with savepoint():
        db.session.add(hook)
        db.session.flush()
    return Registered(hook, secret)


def webhooks_of(org: Organization) -> list[Webhook]:
    return list(
        db.session.scalars(
            select(Webhook).where(Webhook.organization_id == org.id).order_by(Webhook.id)
        )
    )


def webhook_in(org: Organization, webhook_id: int) -> Webhook:
    hook = db.session.get(Webhook, webhook_id)
    if hook is None or hook.organization_id != org.id:
        raise NotFound(gettext("no such webhook"))
    return hook


def remove(org: Organization, webhook_id: int) -> None:
    hook = webhook_in(org, webhook_id)
    with savepoint():
        db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id))
        db.session.delete(hook)
        db.session.flush()


def rotate(org: Organization, webhook_id: int, now: datetime | None = None) -> Registered:
    """A new secret signs from now on; the one it replaces signs beside it for a day, so the
    receiver can switch at its own pace (a rotation inside that day ends the oldest)."""
    now = now or utcnow()
    hook = webhook_in(org, webhook_id)
    secret = signing.new_secret()
    with savepoint():
        hook.previous_secret = hook.secret
        hook.previous_until = now + ROTATION_OVERLAP
        hook.secret = secret
        db.session.flush()
    return Registered(hook, secret)


def enable(org: Organization, webhook_id: int, now: datetime | None = None) -> Webhook:
    """Sends again to a disabled webhook; what waited goes now, with a new day of retries."""
    now = now or utcnow()
    hook = webhook_in(org, webhook_id)
    with savepoint():
        hook.disabled_at = None
        hook.disabled_reason = None
        db.session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.webhook_id == hook.id,
                WebhookDelivery.delivered_at.is_(None),
                WebhookDelivery.failed_at.is_(None),
            )
            .values(next_attempt_at=now, first_attempt_at=None)
            .execution_options(synchronize_session=False)
        )
        db.session.flush()
    return hook


def deliveries_of(
    hook: Webhook, before: int | None = None, limit: int = LOG_PAGE
) -> list[WebhookDelivery]:
    """The delivery log, newest first."""
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
    if before is not None:
        query = query.where(WebhookDelivery.id < before)
    return list(db.session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)))


def send_again(
    org: Organization, webhook_id: int, delivery_id: int, now: datetime | None = None
) -> WebhookDelivery:
    """Queues a delivery once more, as it was (same body, same ``webhook-id``: a receiver that
    already has it knows it), with a new day of retries."""
    now = now or utcnow()
    hook = webhook_in(org, webhook_id)
    row = db.session.get(WebhookDelivery, delivery_id)
    if row is None or row.webhook_id != hook.id:
        raise NotFound(gettext("no such delivery"))
    with savepoint():
        row.delivered_at = None
        row.failed_at = None
        row.first_attempt_at = None
        row.next_attempt_at = now
        db.session.flush()
    return row


def webhook_json(hook: Webhook, secret: str | None = None) -> dict:
    """A webhook as the API shows it: the secret only when it was just made."""
    shown = {
        "id": hook.id,
        "url": hook.url,
        "events": hook.event_types,
        "created_at": hook.created_at.isoformat(),
        "disabled_at": hook.disabled_at.isoformat() if hook.disabled_at else None,
        "disabled_reason": hook.disabled_reason,
    }
    if secret is not None:
        shown["secret"] = secret
    return shown
