"""Finished work in the organisation's own calendar: which tasks were completed on which
local day, what else was completed near them, and the completions on the dashboard's timeline.

Impacts are measured in local days (an organisation's "today" is its own date), while tasks
record moments in UTC; everything here converts between the two in one way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select

from collab.models import Organization, Task
from collab.platform.extensions import db


@dataclass(frozen=True)
class Work:
    """A done task as the measurement sees it: its category and its local start and end."""

    task_id: int
    category: str
    started_on: dt.date | None
    completed_on: dt.date

    @property
    def start(self) -> dt.date:
        """Where the before window ends: the start, unless unknown or after completion."""
        if self.started_on is None or self.started_on > self.completed_on:
            return self.completed_on
        return self.started_on


def local_day(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    return moment.astimezone(zone).date()


def utc_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The moment a local day begins, in UTC (what task timestamps are compared with)."""
    return dt.datetime.combine(day, dt.time(0), zone).astimezone(dt.UTC)


def work_of(
    task_id: int,
    category: str,
    started_at: dt.datetime | None,
    completed_at: dt.datetime,
    zone: ZoneInfo,
) -> Work:
    return Work(
        task_id,
        category,
        local_day(started_at, zone) if started_at is not None else None,
        local_day(completed_at, zone),
    )


def task_work(task: Task, zone: ZoneInfo) -> Work:
    return work_of(task.id, task.category, task.started_at, task.completed_at, zone)


def done_works(org: Organization) -> list[Work]:
    """Every done task of the organisation, oldest id first."""
    zone = ZoneInfo(org.timezone)
    rows = db.session.execute(
        select(Task.id, Task.category, Task.started_at, Task.completed_at)
        .where(
            Task.organization_id == org.id,
            Task.status == "done",
            Task.completed_at.is_not(None),
        )
        .order_by(Task.id)
    )
    return [work_of(*row, zone) for row in rows]


def completions_near(org: Organization, work: Work, window: int) -> list[tuple[int, dt.date]]:
    """(task id, local completion day) of the done tasks that could confound this work: those
    completed within ``window`` days of it, the work itself included."""
    zone = ZoneInfo(org.timezone)
    low = utc_midnight(work.start - dt.timedelta(days=window), zone)
    high = utc_midnight(work.completed_on + dt.timedelta(days=window), zone)
    rows = db.session.execute(
        select(Task.id, Task.completed_at).where(
            Task.organization_id == org.id,
            Task.status == "done",
            Task.completed_at >= low,
            Task.completed_at < high,
        )
    )
    found = [(task_id, local_day(at, zone)) for task_id, at in rows]
    if all(task_id != work.task_id for task_id, _ in found):
        found.append((work.task_id, work.completed_on))
    return found


def confounders_of(task: Task, result: dict, zone: ZoneInfo) -> list[int]:
    """Ids of the organisation's other tasks completed inside either window of an impact."""
    spans = []
    for name in ("before", "after"):
        first = dt.date.fromisoformat(result[name]["from"])
        last = dt.date.fromisoformat(result[name]["to"])
        spans.append(
            and_(
                Task.completed_at >= utc_midnight(first, zone),
                Task.completed_at < utc_midnight(last + dt.timedelta(days=1), zone),
            )
        )
    return list(
        db.session.scalars(
            select(Task.id)
            .where(
                Task.organization_id == task.organization_id,
                Task.status == "done",
                Task.id != task.id,
                or_(*spans),
            )
            .order_by(Task.id)
        )
    )


def completed_between(org: Organization, first: dt.date, last: dt.date, zone: ZoneInfo):
    """(id, title, completed_at) of the organisation's work finished in those local days,
    newest first: the marks on the dashboard's timeline."""
    return db.session.execute(
        select(Task.id, Task.title, Task.completed_at)
        .where(
            Task.organization_id == org.id,
            Task.status == "done",
            Task.completed_at >= utc_midnight(first, zone),
            Task.completed_at < utc_midnight(last + dt.timedelta(days=1), zone),
        )
        .order_by(Task.completed_at.desc())
        .limit(200)
    ).all()
