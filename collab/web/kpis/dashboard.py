"""The KPI dashboard: weekly charts with completed work marked, the latest figures, the impact
ledger, and "measure again now"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from collab.accounts.roles import role_may
from collab.http.access import access
from collab.impacts.completed_work import completed_between
from collab.impacts.ledger import impact_ledger
from collab.kpis import totals
from collab.kpis.headlines import MIN_DAYS, PERIOD_DAYS, headlines
from collab.kpis.metrics import unit_of
from collab.platform import queue
from collab.platform.clock import local_today
from collab.platform.extensions import db
from collab.platform.i18n import current_language
from collab.web import charts
from collab.web.kpis import bp

RANGES = (90, 180, 365, 730)
DASHBOARD_METRICS = ("leads", "cost_per_lead", "romi")
LEDGER_PAGE = 50
MEASURE_JOB = "workers.kpi_jobs.measure_org"
_TITLES = {
    "leads": _l("Leads per week"),
    "cost_per_lead": _l("Cost per lead, by week"),
    "romi": _l("ROMI, by week ((revenue − cost) / cost)"),
}
ALL_CHANNELS = "all channels"  # collab.kpis.totals' name for the organisation's totals


def _dashboard_lines(org_id: int, first: dt.date, last: dt.date) -> dict[str, list]:
    """Each chart's lines: all channels together (dashed), then the channels by their leads,
    most first. A channel keeps its place and its colour in all three charts, and when only a
    few can be drawn they are the ones that bring the leads."""
    weekly = totals.weekly_by_channel(org_id, DASHBOARD_METRICS, first, last)
    leads = {
        channel: sum(v for _, v in points if v is not None)
        for channel, points in weekly.get("leads", [])
    }
    channels = {channel for series in weekly.values() for channel, _ in series} - {ALL_CHANNELS}
    ranked = sorted(channels, key=lambda channel: (-leads.get(channel, 0.0), channel))
    colors = {channel: charts.PALETTE[i % len(charts.PALETTE)] for i, channel in enumerate(ranked)}
    place = {channel: i for i, channel in enumerate(ranked)}
    lines: dict[str, list] = {}
    for metric in DASHBOARD_METRICS:
        series = dict(weekly.get(metric, []))
        lines[metric] = (
            [charts.Line(gettext(ALL_CHANNELS), series[ALL_CHANNELS], "#24292f", dashed=True)]
            if ALL_CHANNELS in series
            else []
        )
        lines[metric] += [
            charts.Line(channel, series[channel], colors[channel])
            for channel in sorted(set(series) - {ALL_CHANNELS}, key=place.__getitem__)
        ]
    return lines


@bp.route("/")
@access("kpi.view")
def dashboard(org: str):
    days = request.args.get("days", 180, type=int)
    days = days if days in RANGES else 180
    _, data_last = totals.data_range(g.org.id)
    today = local_today(g.org.timezone)
    last = min(data_last or today, today)
    first = last - dt.timedelta(days=days - 1)
    zone = ZoneInfo(g.org.timezone)
    done = [
        (task_id, title, at.astimezone(zone).date())
        for task_id, title, at in completed_between(g.org, first, last, zone)
    ]
    markers = [
        charts.Marker(
            on, f"#{task_id} {title}", url_for("tasks.show", org=g.org.slug, task_id=task_id)
        )
        for task_id, title, on in done
    ]
    lines = _dashboard_lines(g.org.id, first, last)
    figures = [
        charts.render(
            charts.Chart(
                title=str(_TITLES[metric]),
                first=first,
                last=last,
                lines=lines[metric],
                markers=markers,
                unit=unit_of(metric),
                currency=g.org.currency,
                language=current_language(),
            )
        )
        for metric in DASHBOARD_METRICS
    ]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    ledger, total = impact_ledger(g.org, page, LEDGER_PAGE)
    return render_template(
        "kpis/dashboard.html",
        org=g.org,
        days=days,
        ranges=RANGES,
        first=first,
        last=last,
        has_data=data_last is not None,
        figures=figures,
        completed=done,
        ledger=ledger,
        ledger_total=total,
        page=page,
        per_page=LEDGER_PAGE,
        headlines=headlines(g.org),
        may_write=role_may(g.membership.role, "kpi.write"),
        period_days=PERIOD_DAYS,
        min_days=MIN_DAYS,
    )


@bp.route("/measure", methods=["POST"])
@access("kpi.write")
def measure(org: str):
    """Measures this organisation's impacts in a worker. With the job queue away the request
    goes into the job outbox, never into this request (it can take a minute): the relay
    hands it over as soon as the queue is back."""
    try:
        queue.enqueue(MEASURE_JOB, g.org.id)
        flash(gettext("Measuring in the background; the ledger fills in within a minute or so."))
    except queue.QueueAway as away:
        current_app.logger.warning("measure %s: %s; left in the job outbox", g.org.slug, away)
        queue.later(MEASURE_JOB, g.org.id)
        db.session.commit()
        flash(
            gettext(
                "The background workers cannot be reached just now, so the measurement will "
                "start as soon as they are back; until then the ledger shows the last results."
            ),
            "error",
        )
    return redirect(url_for("kpis.dashboard", org=org))
