"""The Standard Webhooks signature scheme (standardwebhooks.com). Pure.

A secret is ``whsec_`` followed by a base64 key. A delivery carries ``webhook-id`` (the
message's id, the same on every attempt), ``webhook-timestamp`` (Unix seconds of this
attempt) and ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` for
each secret that signs, separated by spaces (two while a rotation's old secret still signs).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid

PREFIX = "whsec_"
KEY_BYTES = 32  # the scheme asks for 24 to 64


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def new_message_id() -> str:
    return "msg_" + uuid.uuid4().hex


def _key(secret: str) -> bytes:
    if not secret.startswith(PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret[len(PREFIX) :])


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(
    secrets_signing: list[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The headers of one attempt, signed by every secret given (newest first)."""
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret, message_id, timestamp, body) for secret in secrets_signing
        ),
    }


def payload(event_type: str, timestamp: str, data: dict) -> str:
    """The body: ``{type, timestamp, data}`` as compact JSON, every non-ASCII character
    escaped, so the bytes signed are the bytes any receiver reads back."""
    return json.dumps(
        {"type": event_type, "timestamp": timestamp, "data": data},
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
    )
