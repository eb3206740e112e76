"""The month's tasks as CSV, for spreadsheets: every task filed or done in the month, or open
and late at its end.

Titles and names come from people (the agency, an audit tool's page titles), and a
spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(OWASP "CSV injection"): such a text cell, and one starting with a tab or a carriage return,
gets a leading apostrophe, which spreadsheets show as text. Numbers and dates we write
ourselves are left as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from collab.models import Organization, Recommendation, Task
from collab.platform.extensions import db
from collab.platform.links import link
from collab.reports.months import Month
from collab.reports.work_figures import month_end, open_and_late_at

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "task_id",
    "recommendation_id",
    "title",
    "team",
    "category",
    "status",
    "priority",
    "assignee",
    "filed_on",
    "due_date",
    "completed_on",
    "days_to_done",
    "in_this_month",
    "url",
)


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rows(org: Organization, month: Month, now: dt.datetime | None) -> Iterator[list]:
    zone = ZoneInfo(org.timezone)
    end = month_end(month, zone, now)
    filed = and_(Task.created_at >= month.start, Task.created_at < month.end)
    done = and_(
        Task.status == "done", Task.completed_at >= month.start, Task.completed_at < month.end
    )
    late = open_and_late_at(org, end)
    late_ids = set(db.session.scalars(select(Task.id).where(late)))
    tasks = db.session.scalars(
        select(Task)
        .where(Task.organization_id == org.id, or_(filed, done, late))
        .options(selectinload(Task.assignee), selectinload(Task.recommendation))
        .order_by(Task.id)
        .execution_options(yield_per=500)
    )
    base = current_app.config["BASE_URL"]
    for task in tasks:
        recommendation: Recommendation = task.recommendation
        filed_on = recommendation.created_at.astimezone(zone).date()
        completed_on = task.completed_at.astimezone(zone).date() if task.completed_at else None
        tags = [
            tag
            for tag, applies in (
                ("filed", month.start <= task.created_at < month.end),
                (
                    "done",
                    task.status == "done"
                    and month.first <= (completed_on or dt.date.min) <= month.last,
                ),
                ("late", task.id in late_ids),
            )
            if applies
        ]
        yield [
            task.id,
            task.recommendation_id,
            task.title,
            task.team or "",
            task.category,
            task.status,
            task.priority,
            task.assignee.email if task.assignee else "",
            filed_on.isoformat(),
            task.due_date.isoformat() if task.due_date else "",
            completed_on.isoformat() if completed_on else "",
            max((completed_on - filed_on).days, 0) if completed_on else "",
            " ".join(tags),
            link("tasks.show", base, org=org.slug, task_id=task.id),
        ]


def task_sheet(org: Organization, month: Month, now: dt.datetime | None = None) -> str:
    """The CSV text, a header line first, with a BOM so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in _rows(org, month, now):
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
