"""HTML blueprints and what every page shares."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from collab.errors import DomainError


def register(app: Flask) -> None:
    from collab.web import (
        admin,
        auth,
        board,
        home,
        kpis,
        notes,
        notifications,
        people,
        profile,
        recommendations,
        settings,
        tasks,
    )

    for module in (
        auth,
        home,
        board,
        tasks,
        recommendations,
        settings,
        notifications,
        kpis,
        notes,
        people,
        profile,
        admin,
    ):
        app.register_blueprint(module.bp)

    @app.context_processor
    def shared_context():
        from collab.accounts import memberships_of

        def unread() -> int:
            from collab.notify import unread_count

            org = g.get("org")
            return unread_count(current_user, org) if org and current_user.is_authenticated else 0

        def memberships():
            return memberships_of(current_user) if current_user.is_authenticated else []

        # Callables: a fragment that never shows the header never pays for these queries.
        return {
            "my_memberships": memberships,
            "unread_notifications": unread,
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
        from collab.extensions import db

        db.session.rollback()  # nothing half-done survives a refused request
        if request.path.startswith("/api/"):
            from collab.api.errors import error_response
            from collab.api.serializers import task_json
            from collab.models import Task

            current = error.current
            if isinstance(current, Task):
                current = task_json(db.session.get(Task, current.id))
            return error_response(error.status, error.code, error.message, error.fields, current)
        return render_template("error.html", error=error), error.status


def _code(error: HTTPException) -> str:
    return (error.name or "error").lower().replace(" ", "_")
