"""Alerts over JSON."""

from __future__ import annotations

from flask import g, jsonify

from collab.api import bp
from collab.api.responses import AlertPage
from collab.api.schemas import AlertFilter, id_cursor
from collab.api.validation import operation
from collab.followup import alerts
from collab.http.access import access


def alert_json(alert) -> dict:
    return {
        "id": alert.id,
        "task_id": alert.task_id,
        "kind": alert.kind,
        "level": alert.level,
        "due_date": alert.due_date.isoformat(),
        "created_at": alert.created_at.isoformat(),
        "closed_at": alert.closed_at.isoformat() if alert.closed_at else None,
    }


@bp.route("/orgs/<org>/alerts")
@access("board.view")
@operation(query=AlertFilter, answers={200: AlertPage})
def list_alerts(org: str, query: AlertFilter):
    """Alerts raised on the organisation's tasks (due soon, overdue, stale triage)"""
    limit = query.limit
    found = alerts.alerts_of(g.org, query.task, query.kind, after=query.cursor, limit=limit + 1)
    more = len(found) > limit
    found = found[:limit]
    return jsonify(
        {
            "items": [alert_json(a) for a in found],
            "next_cursor": id_cursor(found[-1].id) if more else None,
        }
    )
