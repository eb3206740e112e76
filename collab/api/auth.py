"""Bearer-token authentication for the API."""

from __future__ import annotations

from flask import abort, g, request

from collab.accounts import user_for_token


def authenticate_request() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        abort(401, "send Authorization: Bearer <token>")
    user = user_for_token(raw.strip())
    if user is None:
        abort(401, "unknown or revoked token")
    g.api_user = user
