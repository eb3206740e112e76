"""Outgoing webhooks over JSON (directors): register, list, remove, rotate the secret."""

from __future__ import annotations

from flask import g, jsonify

from collab.api import bp
from collab.api.openapi import ORG, ORG_ERRORS, PATHS, SCHEMAS, WRITE_ERRORS, _body, _ok, _ref
from collab.api.work import json_body
from collab.http.access import access
from collab.integrations import webhooks
from collab.platform.extensions import db


@bp.route("/orgs/<org>/webhooks", methods=["POST"])
@access("webhook.manage")
def register_webhook(org: str):
    registered = webhooks.register(g.org, g.membership, json_body())
    db.session.commit()
    return jsonify(webhooks.webhook_json(registered.webhook, registered.secret)), 201


@bp.route("/orgs/<org>/webhooks")
@access("webhook.manage")
def list_webhooks(org: str):
    return jsonify({"items": [webhooks.webhook_json(h) for h in webhooks.webhooks_of(g.org)]})


@bp.route("/orgs/<org>/webhooks/<int:webhook_id>", methods=["DELETE"])
@access("webhook.manage")
def delete_webhook(org: str, webhook_id: int):
    webhooks.remove(g.org, webhook_id)
    db.session.commit()
    return "", 204


@bp.route("/orgs/<org>/webhooks/<int:webhook_id>/rotate", methods=["POST"])
@access("webhook.manage")
def rotate_webhook_secret(org: str, webhook_id: int):
    rotated = webhooks.rotate(g.org, webhook_id)
    db.session.commit()
    return jsonify(webhooks.webhook_json(rotated.webhook, rotated.secret))


_WEBHOOK_ID = {"name": "webhook_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_SIGNING = (
    "Each delivery is a POST of {type, timestamp, data} signed by the Standard Webhooks "
    "scheme: headers webhook-id (the same on every retry), webhook-timestamp (Unix seconds) "
    "and webhook-signature (v1,<base64 HMAC-SHA256 of 'id.timestamp.body'>, keyed by the "
    "base64 key after 'whsec_'). Any 2xx is success; redirects are not followed. The first "
    "retry comes within 60 seconds, then back-off for 24 hours, after which the webhook is "
    "disabled and the directors told."
)
SCHEMAS["Webhook"] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string", "format": "uri"},
        "events": {"type": "array", "items": {"enum": list(webhooks.EVENTS)}},
        "secret": {
            "type": "string",
            "description": "whsec_<base64 key>: only in the answer that made it",
        },
        "created_at": {"type": "string", "format": "date-time"},
        "disabled_at": {"type": ["string", "null"], "format": "date-time"},
        "disabled_reason": {"type": ["string", "null"]},
    },
}
PATHS.update(
    {
        "/api/v1/orgs/{org}/webhooks": {
            "post": {
                "summary": "Register a webhook for some of the organisation's events",
                "description": _SIGNING,
                "parameters": [ORG],
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["url", "events"],
                        "properties": {
                            "url": {"type": "string", "format": "uri", "maxLength": 2048},
                            "events": {
                                "type": "array",
                                "minItems": 1,
                                "items": {"enum": list(webhooks.EVENTS)},
                            },
                        },
                    }
                ),
                "responses": {"201": _ok(_ref("Webhook"), "registered"), **WRITE_ERRORS},
            },
            "get": {
                "summary": "The organisation's webhooks (secrets hidden)",
                "parameters": [ORG],
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "properties": {"items": {"type": "array", "items": _ref("Webhook")}},
                        }
                    ),
                    **ORG_ERRORS,
                },
            },
        },
        "/api/v1/orgs/{org}/webhooks/{webhook_id}": {
            "delete": {
                "summary": "Remove a webhook and its delivery log",
                "parameters": [ORG, _WEBHOOK_ID],
                "responses": {"204": {"description": "removed"}, **ORG_ERRORS},
            }
        },
        "/api/v1/orgs/{org}/webhooks/{webhook_id}/rotate": {
            "post": {
                "summary": "A new secret; the old one keeps signing beside it for 24 hours",
                "description": "While both sign, webhook-signature holds two signatures "
                "separated by a space, the new secret's first.",
                "parameters": [ORG, _WEBHOOK_ID],
                "responses": {"200": _ok(_ref("Webhook")), **ORG_ERRORS},
            }
        },
    }
)
