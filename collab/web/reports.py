"""The monthly report as a printable page with charts, and its tasks as CSV."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, g, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from collab.http.access import access
from collab.kpis.metrics import unit_of
from collab.platform.errors import DomainError
from collab.platform.i18n import current_language
from collab.reports.kpi_figures import daily_values
from collab.reports.monthly import monthly_report
from collab.reports.months import current_month, parse_month
from collab.reports.task_sheet import task_sheet
from collab.web import bar_charts, charts
from collab.web.feedback import refuse
from collab.web.filters import metric_label, team_label

bp = Blueprint("reports", __name__, url_prefix="/orgs/<org>/reports")
TEAMS = ("it", "marketing")


@bp.route("/monthly")
@access("report.view")
def monthly(org: str):
    try:
        month = parse_month(g.org, request.args.get("month"))
        status = 200
    except DomainError as exc:
        refuse(exc)
        month, status = current_month(g.org), 422
    report = monthly_report(g.org, month)
    zone = ZoneInfo(g.org.timezone)
    language = current_language()
    work_chart = bar_charts.render(
        gettext("Work in %(month)s by team", month=month.label),
        [team_label(t) for t in TEAMS],
        [
            bar_charts.Group(str(label), [report["by_team"][t][key] for t in TEAMS])
            for label, key in (
                (_l("Filed"), "filed"),
                (_l("Done"), "done"),
                (_l("Late at end"), "overdue"),
            )
        ],
        language,
    )
    previous = month.previous(zone)
    kpi_charts = [
        charts.render(
            charts.Chart(
                gettext("%(metric)s, day by day", metric=metric_label(metric).capitalize()),
                month.first,
                month.last,
                lines=[charts.Line(month.label, daily_values(g.org, metric, month))],
                unit=unit_of(metric),
                currency=g.org.currency,
                language=language,
            )
        )
        for metric in ("leads", "cost_per_lead")
        if any(k["metric"] == metric and k["value"] is not None for k in report["kpis"])
    ]
    return (
        render_template(
            "reports/monthly.html",
            org=g.org,
            report=report,
            month=month,
            previous=previous,
            teams=TEAMS,
            work_chart=work_chart,
            kpi_charts=kpi_charts,
        ),
        status,
    )


@bp.route("/monthly.csv")
@access("report.view")
def monthly_csv(org: str):
    month = parse_month(g.org, request.args.get("month"))
    return Response(
        task_sheet(g.org, month),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{g.org.slug}-tasks-{month.label}.csv"'
        },
    )
