"""Typing KPIs in by month: a grid of days by metrics for one channel, saved all or nothing."""

from __future__ import annotations

import datetime as dt

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from collab.http.access import access
from collab.kpis import month_grid, totals
from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.row_checks import MAX_CHANNEL_LENGTH
from collab.platform.clock import local_today
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.web.kpis import bp


def _month_arg(raw: str | None, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _grid_context(month: dt.date, channel: str, typed: dict | None = None, errors=None) -> dict:
    definitions = metric_definitions(g.org)
    metrics = [name for name, m in definitions.items() if not m.derived]
    stored = month_grid.month_values(g.org, month, channel, metrics)
    values = {}
    for (metric, day), value in stored.items():
        text = repr(value)  # exact: saving the grid unchanged changes nothing
        values[(metric, day.isoformat())] = text[:-2] if text.endswith(".0") else text
    values.update(typed or {})
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return {
        "org": g.org,
        "month": month,
        "previous": previous,
        "following": following,
        "channel": channel,
        "channels": totals.channels_of(g.org.id),
        "metrics": metrics,
        "units": {name: definitions[name].unit for name in metrics},
        "days": month_grid.month_days(month),
        "values": values,
        "errors": errors or {},
        "today": local_today(g.org.timezone),
    }


@bp.route("/grid")
@access("kpi.write")
def grid(org: str):
    today = local_today(g.org.timezone)
    month = _month_arg(request.args.get("month"), today)
    channel = (request.args.get("channel") or "").strip().lower()[:MAX_CHANNEL_LENGTH]
    return render_template("kpis/grid.html", **_grid_context(month, channel))


@bp.route("/grid", methods=["POST"])
@access("kpi.write")
def grid_save(org: str):
    today = local_today(g.org.timezone)
    month = _month_arg(request.form.get("month"), today)
    channel = (request.form.get("channel") or "").strip().lower()
    cells = {}
    for key, text in request.form.items():
        if key.startswith("v|"):
            _, metric, day = (key.split("|") + ["", ""])[:3]
            cells[(metric, day)] = text
    try:
        counts = month_grid.record_month(g.org, month, channel, cells)
    except ValidationFailed as error:
        db.session.rollback()
        context = _grid_context(month, channel, typed=cells, errors=error.fields)
        return render_template("kpis/grid.html", message=error.message, **context), 422
    db.session.commit()
    flash(
        gettext(
            "Saved: %(new)s new, %(changed)s changed.",
            new=counts["inserted"],
            changed=counts["updated"],
        )
    )
    return redirect(url_for("kpis.grid", org=org, month=month.strftime("%Y-%m"), channel=channel))
