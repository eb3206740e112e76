"""Alerts over JSON."""

from __future__ import annotations

from flask import g, jsonify, request

from collab.api import bp
from collab.api.openapi import ORG, ORG_ERRORS, PAGING, PATHS, _ok
from collab.api.serializers import alert_json
from collab.api.work import cursor_for, page_args
from collab.followup import alerts
from collab.http.access import access
from collab.platform.errors import ValidationFailed

KINDS = ("due_soon", "overdue", "triage_stale")


@bp.route("/orgs/<org>/alerts")
@access("board.view")
def list_alerts(org: str):
    errors = {}
    try:
        limit, after = page_args()
    except ValidationFailed as exc:
        errors.update(exc.fields)
        limit, after = 50, None
    task = request.args.get("task")
    if task is not None and not task.isdigit():
        errors["task"] = "a task id"
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KINDS:
        errors["kind"] = "one of " + ", ".join(KINDS)
    if errors:
        raise ValidationFailed("bad filter", errors)
    found = alerts.alerts_of(g.org, int(task) if task else None, kind, after=after, limit=limit + 1)
    more = len(found) > limit
    found = found[:limit]
    return jsonify(
        {
            "items": [alert_json(a) for a in found],
            "next_cursor": cursor_for(found[-1].id) if more else None,
        }
    )


PATHS["/api/v1/orgs/{org}/alerts"] = {
    "get": {
        "summary": "Alerts raised on the organisation's tasks (due soon, overdue, stale triage)",
        "parameters": [
            ORG,
            {"name": "task", "in": "query", "schema": {"type": "integer"}},
            {"name": "kind", "in": "query", "schema": {"enum": list(KINDS)}},
            *PAGING,
        ],
        "responses": {
            "200": _ok(
                {
                    "type": "object",
                    "properties": {
                        "items": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "task_id": {"type": "integer"},
                                    "kind": {"enum": list(KINDS)},
                                    "level": {"type": "integer"},
                                    "due_date": {"type": "string", "format": "date"},
                                    "created_at": {"type": "string", "format": "date-time"},
                                    "closed_at": {"type": ["string", "null"]},
                                },
                            },
                        },
                        "next_cursor": {"type": ["string", "null"]},
                    },
                }
            ),
            **ORG_ERRORS,
        },
    }
}
