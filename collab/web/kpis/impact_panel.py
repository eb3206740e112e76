"""The task page's impact panel: the metrics a task is measured against and, once it is done,
a chart per metric around its completion (windows shaded) beside the measured impacts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
from flask import g
from flask_babel import gettext

from collab.impacts.metric_map import metrics_for
from collab.impacts.results import impacts_for_task
from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.totals import daily_totals
from collab.models import Organization, Task
from collab.platform.extensions import db
from collab.platform.i18n import current_language
from collab.web import charts
from collab.web.filters import metric_label

CHART_HALF_SPAN = 45


def task_impact_panel(task: Task) -> dict:
    """What templates/kpis/task_impact.html shows for a task: its linked metrics and, once
    done, a 90-day chart per metric (windows shaded, completion marked) and the impacts."""
    metrics = metrics_for(task.organization_id, task.category)
    panel = {"metrics": metrics, "done": False, "impacts": [], "charts": []}
    if task.status != "done" or task.completed_at is None:
        return panel
    items = impacts_for_task(task)
    panel["done"] = True
    panel["impacts"] = items
    completed = task.completed_at.astimezone(_zone_of(task)).date()
    first = completed - dt.timedelta(days=CHART_HALF_SPAN)
    last = completed + dt.timedelta(days=CHART_HALF_SPAN - 1)
    totals = daily_totals(task.organization_id, [i["metric"] for i in items], first, last)
    # An organisation's own metrics keep their units on the chart too.
    units = {name: m.unit for name, m in metric_definitions(task.organization_id).items()}
    for item in items:
        points = [
            (first + dt.timedelta(days=offset), None if np.isnan(value) else float(value))
            for offset, value in enumerate(totals[item["metric"]])
        ]
        before, after = item["before"], item["after"]
        label = metric_label(item["metric"])
        chart = charts.Chart(
            title=gettext("%(metric)s, 90 days around completion", metric=label),
            first=first,
            last=last,
            lines=[charts.Line(gettext("daily total, all channels"), points)],
            bands=[
                charts.Band(
                    dt.date.fromisoformat(before["from"]),
                    dt.date.fromisoformat(before["to"]),
                    gettext("before window"),
                    color="#6e7781",
                ),
                charts.Band(
                    dt.date.fromisoformat(after["from"]),
                    dt.date.fromisoformat(after["to"]),
                    gettext("after window"),
                    color="#1a7f37",
                ),
            ],
            markers=[charts.Marker(completed, gettext("task #%(id)s completed", id=task.id))],
            unit=units.get(item["metric"], ""),
            currency=_currency_of(task),
            language=current_language(),
        )
        panel["charts"].append(charts.render(chart))
    return panel


def _org_of(task: Task) -> Organization:
    org = g.get("org")
    if org is None or org.id != task.organization_id:
        org = db.session.get(Organization, task.organization_id)
    return org


def _zone_of(task: Task) -> ZoneInfo:
    return ZoneInfo(_org_of(task).timezone)


def _currency_of(task: Task) -> str:
    return _org_of(task).currency
