"""Every API error has one shape: {"error": {"code", "message", "fields"?, "current"?}}."""

from __future__ import annotations

from flask import jsonify


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict | None = None,
    current: dict | None = None,
):
    body: dict = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    if current is not None:
        body["current"] = current
    response = jsonify({"error": body})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="collab"'
    return response
