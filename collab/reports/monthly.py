"""The monthly report both directors and the agency read: the month's work, its KPIs
against the month before, and the impacts measured in it (API.md, "Monthly report")."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from collab.integrations.objects import stored_impact_json
from collab.models import Organization, Task
from collab.models.kpis import TaskImpact
from collab.platform.extensions import db
from collab.reports.kpi_figures import kpi_figures
from collab.reports.months import Month
from collab.reports.work_figures import late_tasks, work_figures


def measured_in(org: Organization, month: Month) -> list[dict]:
    """The impacts measured in the month (last measured in it, if measured again since),
    each with its task's id, in task order."""
    zone = ZoneInfo(org.timezone)
    rows = db.session.execute(
        select(TaskImpact, Task)
        .join(Task, Task.id == TaskImpact.task_id)
        .where(
            TaskImpact.organization_id == org.id,
            TaskImpact.status == "measured",
            TaskImpact.measured_at >= month.start,
            TaskImpact.measured_at < month.end,
            Task.status == "done",
        )
        .order_by(TaskImpact.task_id, TaskImpact.id)
    )
    return [stored_impact_json(impact, task, zone) for impact, task in rows]


def monthly_report(org: Organization, month: Month, now: dt.datetime | None = None) -> dict:
    zone = ZoneInfo(org.timezone)
    work = work_figures(org, month, now)
    previous = month.previous(zone)
    return {
        "month": month.label,
        "timezone": org.timezone,
        **work,
        "kpis": kpi_figures(org, month, previous, month.a_year_before(zone)),
        "impacts": measured_in(org, month),
        "late": late_tasks(org, month, now),
    }
