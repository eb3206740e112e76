"""Alerts over JSON."""

from __future__ import annotations

from flask import g, jsonify

from collab.api import bp
from collab.api.responses import AlertPage
from collab.api.schemas import AlertFilter, id_cursor
from collab.api.serializers import alert_json
from collab.api.validation import operation
from collab.followup import alerts
from collab.http.access import access
from collab.platform.paging import page_of


@bp.route("/orgs/<org>/alerts")
@access("board.view")
@operation(query=AlertFilter, answers={200: AlertPage})
def list_alerts(org: str, query: AlertFilter):
    """Alerts raised on the organisation's tasks (due soon, overdue, stale triage)"""
    limit = query.limit
    found, more = page_of(
        alerts.alerts_of(g.org, query.task, query.kind, after=query.cursor, limit=limit + 1),
        limit,
    )
    return jsonify(
        {
            "items": [alert_json(a) for a in found],
            "next_cursor": id_cursor(found[-1].id) if more else None,
        }
    )
