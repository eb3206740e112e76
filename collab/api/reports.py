"""The monthly report over JSON (directors and the agency)."""

from __future__ import annotations

from flask import g, jsonify
from pydantic import Field

from collab.api import bp
from collab.api.responses import Answer, Impact
from collab.api.schemas import Query
from collab.api.validation import operation
from collab.http.access import access
from collab.reports.monthly import monthly_report
from collab.reports.months import parse_month


class MonthQuery(Query):
    # Checked by collab.reports.months, which knows the organisation's current month.
    month: str | None = Field(
        None, max_length=32, description="YYYY-MM in the organisation's calendar; now if absent"
    )


class TeamFigures(Answer):
    filed: int = Field(description="the team's tasks filed in the month")
    done: int
    overdue: int = Field(description="open and past due when the month's last day closed")
    median_days_to_done: float | None = Field(description="from filing, in calendar days")


class KpiFigure(Answer):
    metric: str
    value: float | None
    previous: float | None = Field(description="the month before")
    change_pct: float | None = Field(description="null when previous is 0 or missing")


class ImpactOfTask(Impact):
    task_id: int


class ByTeam(Answer):
    it: TeamFigures
    marketing: TeamFigures


class MonthlyReport(Answer):
    month: str
    filed: int = Field(description="recommendations filed in the month")
    done: int = Field(description="tasks done in the month")
    overdue: int = Field(description="tasks open and overdue at its end")
    by_team: ByTeam
    kpis: list[KpiFigure]
    impacts: list[ImpactOfTask] = Field(description="impacts measured in the month")


@bp.route("/orgs/<org>/reports/monthly")
@access("report.view")
@operation(query=MonthQuery, answers={200: MonthlyReport})
def monthly(org: str, query: MonthQuery):
    """The month's work, KPIs and measured impacts (directors and the agency)

    A malformed month, or one after the current month, answers 422; a month before the
    organisation's earliest data is an empty report."""
    month = parse_month(g.org, query.month)
    return jsonify(monthly_report(g.org, month))
