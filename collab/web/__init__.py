"""HTML blueprints and what every page shares."""

from __future__ import annotations

from flask import Flask

from collab.web import filters, impact_text, page


def register(app: Flask) -> None:
    from collab.web import (
        admin,
        audit,
        auth,
        board,
        calendar,
        home,
        kpis,
        language,
        live,
        notes,
        notifications,
        people,
        profile,
        recommendations,
        reports,
        settings,
        site_audits,
        task_lists,
        task_triage,
        tasks,
        telegram,
        webhooks,
    )

    for module in (
        auth,
        home,
        board,
        live,
        tasks,
        task_triage,
        task_lists,
        recommendations,
        settings,
        notifications,
        kpis,
        notes,
        people,
        profile,
        admin,
        audit,
        site_audits,
        reports,
        webhooks,
        calendar,
        telegram,
        language,
    ):
        app.register_blueprint(module.bp)

    filters.install(app)
    impact_text.install(app)
    page.install(app)
    language.install(app)
