"""HTML blueprints and what every page shares."""

from __future__ import annotations

from flask import Flask, g
from flask_login import current_user


def register(app: Flask) -> None:
    from collab.web import (
        admin,
        audit,
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
        audit,
    ):
        app.register_blueprint(module.bp)

    @app.context_processor
    def shared_context():
        from collab.accounts.people import memberships_of

        def unread() -> int:
            from collab.notifications.inbox import unread_count

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
