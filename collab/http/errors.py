"""Errors as people and scripts see them: one JSON shape for the API, one page for the web.

Every API error has one shape: {"error": {"code", "message", "fields"?, "current"?}}.
A refused domain operation rolls the request's transaction back, so nothing half-done
survives it."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from collab.platform.errors import DomainError
from collab.platform.extensions import db


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


def is_api_path() -> bool:
    return request.path.startswith("/api/")


def install(app: Flask) -> None:
    """App-wide handlers: JSON under /api/, the error page elsewhere. The API blueprint adds
    its own DomainError handler, which also sends the object a conflict was about."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_path():
            response = error_response(error.code or 500, _code(error), error.description)
            if getattr(error, "valid_methods", None):  # 405 names what the path has (RFC 9110)
                response.headers["Allow"] = ", ".join(error.valid_methods)
            return response
        return render_template("error.html", error=error), error.code

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        if is_api_path():
            return error_response(error.status, error.code, error.message, error.fields)
        return render_template("error.html", error=error), error.status


def _code(error: HTTPException) -> str:
    return (error.name or "error").lower().replace(" ", "_")


# Werkzeug's words for the errors people meet, marked for the catalogue: the error page says
# them in the reader's language (its "translated" filter), anything else as it comes.
_HTTP_WORDS = (
    _l("Bad Request"),
    _l("The browser (or proxy) sent a request that this server could not understand."),
    _l("Forbidden"),
    _l(
        "You don't have the permission to access the requested resource. It is either "
        "read-protected or not readable by the server."
    ),
    _l("Not Found"),
    _l(
        "The requested URL was not found on the server. If you entered the URL manually please "
        "check your spelling and try again."
    ),
    _l("Method Not Allowed"),
    _l("The method is not allowed for the requested URL."),
    _l("Request Entity Too Large"),
    _l("The data value transmitted exceeds the capacity limit."),
    _l("Too Many Requests"),
    _l("Internal Server Error"),
    _l(
        "The server encountered an internal error and was unable to complete your request. "
        "Either the server is overloaded or there is an error in the application."
    ),
)
