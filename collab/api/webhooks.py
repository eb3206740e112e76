"""Outgoing webhooks over JSON (directors): register, list, remove, rotate the secret.

Each delivery is a POST of {type, timestamp, data} signed by the Standard Webhooks scheme:
headers webhook-id (the same on every retry), webhook-timestamp (Unix seconds) and
webhook-signature (v1,<base64 HMAC-SHA256 of "id.timestamp.body">, keyed by the base64 key
after "whsec_"). Any 2xx is success; redirects are not followed. The first retry comes within
60 seconds, then back-off for 24 hours, after which the webhook is disabled and the directors
told."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from flask import g, jsonify
from pydantic import Field

from collab.api import bp
from collab.api.responses import Answer
from collab.api.schemas import Body, Text
from collab.api.validation import operation
from collab.http.access import access
from collab.integrations import webhooks
from collab.platform.extensions import db

Event = Literal[webhooks.EVENTS]


class WebhookIn(Body):
    url: Text(2048) = Field(description="the http(s) URL that receives the events")
    events: Annotated[list[Event], Field(min_length=1, max_length=len(webhooks.EVENTS))]


class Webhook(Answer):
    id: int
    url: str
    events: list[Event]
    secret: str | None = Field(
        None, description="whsec_<base64 key>: only in the answer that made it"
    )
    created_at: dt.datetime
    disabled_at: dt.datetime | None = Field(description="set after a day of failed deliveries")
    disabled_reason: str | None


class Webhooks(Answer):
    items: list[Webhook]


@bp.route("/orgs/<org>/webhooks", methods=["POST"])
@access("webhook.manage")
@operation(body=WebhookIn, answers={201: (Webhook, "registered, with its secret")})
def register_webhook(org: str, body: WebhookIn):
    """Register a webhook for some of the organisation's events (directors)"""
    registered = webhooks.register(g.org, g.membership, body.model_dump(mode="json"))
    db.session.commit()
    return jsonify(webhooks.webhook_json(registered.webhook, registered.secret)), 201


@bp.route("/orgs/<org>/webhooks")
@access("webhook.manage")
@operation(answers={200: Webhooks})
def list_webhooks(org: str):
    """The organisation's webhooks (secrets hidden)"""
    return jsonify({"items": [webhooks.webhook_json(h) for h in webhooks.webhooks_of(g.org)]})


@bp.route("/orgs/<org>/webhooks/<int:webhook_id>", methods=["DELETE"])
@access("webhook.manage")
@operation(answers={204: (None, "removed, with its delivery log")})
def delete_webhook(org: str, webhook_id: int):
    """Remove a webhook and its delivery log"""
    webhooks.remove(g.org, webhook_id)
    db.session.commit()
    return "", 204


@bp.route("/orgs/<org>/webhooks/<int:webhook_id>/rotate", methods=["POST"])
@access("webhook.manage")
@operation(answers={200: (Webhook, "the new secret")})
def rotate_webhook_secret(org: str, webhook_id: int):
    """A new secret; the old one keeps signing beside it for 24 hours

    While both sign, webhook-signature holds two signatures separated by a space, the new
    secret's first."""
    rotated = webhooks.rotate(g.org, webhook_id)
    db.session.commit()
    return jsonify(webhooks.webhook_json(rotated.webhook, rotated.secret))
