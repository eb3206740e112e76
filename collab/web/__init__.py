"""HTML blueprints and what every page shares."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from collab.errors import DomainError


def register(app: Flask) -> None:
    from collab.web import admin, auth, board, home, people, profile

    for module in (auth, home, board, people, profile, admin):
        app.register_blueprint(module.bp)

    @app.context_processor
    def shared_context():
        from collab.accounts import memberships_of

        memberships = memberships_of(current_user) if current_user.is_authenticated else []
        return {
            "my_memberships": memberships,
            "current_org": g.get("org"),
            "current_membership": g.get("membership"),
        }

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/"):
            from collab.api.errors import error_response

            return error_response(error.code or 500, _code(error), error.description)
        return render_template("error.html", error=error), error.code

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if request.path.startswith("/api/"):
            from collab.api.errors import error_response

            return error_response(
                error.status, error.code, error.message, error.fields, error.current
            )
        return render_template("error.html", error=error), error.status


def _code(error: HTTPException) -> str:
    return (error.name or "error").lower().replace(" ", "_")
