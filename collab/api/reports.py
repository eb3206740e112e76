"""The monthly report over JSON (directors and the agency)."""

from __future__ import annotations

from flask import g, jsonify, request

from collab.api import bp
from collab.api.openapi import ORG, ORG_ERRORS, PATHS, SCHEMAS, _error, _ok, _ref
from collab.http.access import access
from collab.reports.monthly import monthly_report
from collab.reports.months import parse_month


@bp.route("/orgs/<org>/reports/monthly")
@access("report.view")
def monthly(org: str):
    month = parse_month(g.org, request.args.get("month"))
    return jsonify(monthly_report(g.org, month))


_NUMBER = {"type": ["number", "null"]}
_TEAM = {
    "type": "object",
    "properties": {
        "filed": {"type": "integer", "description": "the team's tasks filed in the month"},
        "accepted": {"type": "integer", "description": "its tasks accepted in triage"},
        "rejected": {"type": "integer", "description": "its tasks rejected in triage"},
        "done": {"type": "integer"},
        "overdue": {"type": "integer", "description": "open and late at the month's end"},
        "median_days_to_done": {**_NUMBER, "description": "from filing, in calendar days"},
        "median_days_to_triage": _NUMBER,
        "done_on_time_pct": _NUMBER,
    },
}
SCHEMAS["MonthlyReport"] = {
    "type": "object",
    "properties": {
        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
        "timezone": {"type": "string"},
        "filed": {"type": "integer", "description": "recommendations filed in the month"},
        "done": {"type": "integer", "description": "tasks done in the month"},
        "overdue": {"type": "integer", "description": "tasks open and overdue at its end"},
        "median_days_to_done": _NUMBER,
        "done_on_time_pct": _NUMBER,
        "by_team": {"type": "object", "properties": {"it": _TEAM, "marketing": _TEAM}},
        "kpis": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "metric": {"type": "string"},
                    "value": _NUMBER,
                    "previous": {**_NUMBER, "description": "the month before"},
                    "change_pct": {**_NUMBER, "description": "null when previous is 0 or null"},
                    "year_before": {**_NUMBER, "description": "the same month a year before"},
                    "change_year_pct": _NUMBER,
                },
            },
        },
        "impacts": {
            "type": "array",
            "items": {"allOf": [_ref("Impact"), {"properties": {"task_id": {"type": "integer"}}}]},
        },
        "late": {
            "type": "array",
            "description": "the work open and late at the month's end (at most 100)",
            "items": {"type": "object"},
        },
    },
}
PATHS["/api/v1/orgs/{org}/reports/monthly"] = {
    "get": {
        "summary": "The month's work, KPIs and measured impacts (directors and the agency)",
        "description": "The month is in the organisation's time zone. A month before the "
        "organisation's earliest data is an empty report.",
        "parameters": [
            ORG,
            {
                "name": "month",
                "in": "query",
                "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                "description": "YYYY-MM; the current month when absent",
            },
        ],
        "responses": {
            "200": _ok(_ref("MonthlyReport")),
            "422": _error("a malformed month, or one after the current month"),
            **ORG_ERRORS,
        },
    }
}
