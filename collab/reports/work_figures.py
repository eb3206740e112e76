"""The work of a month: what was filed, triaged, done, and what was open and late at its
end, overall and by team.

Definitions (API.md): ``filed`` counts recommendations filed in the month (a team's
``filed``: its tasks filed in the month); ``done`` tasks done in it; ``overdue`` tasks open
and past their due date at the close of its last day (for the current month: now);
``median_days_to_done`` runs from filing to done, in whole days of the organisation's
calendar, over the month's done tasks (null when none).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select

from collab.models import Event, Organization, Recommendation, Task
from collab.models.accounts import TEAMS
from collab.models.work import OPEN_STATUSES
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.reports.months import Month


@dataclass(frozen=True)
class Moment:
    """When "the end of the month" is: the instant, and the day whose close it is."""

    at: dt.datetime
    day: dt.date


def month_end(month: Month, zone: ZoneInfo, now: dt.datetime | None = None) -> Moment:
    now = now or utcnow()
    if now < month.end:  # the current month: as it stands
        return Moment(now, now.astimezone(zone).date())
    return Moment(month.end, month.last)


def open_and_late_at(org: Organization, end: Moment):
    """A condition on Task: open at ``end`` (created before it, not yet done or rejected
    then) and due before its day."""
    return and_(
        Task.organization_id == org.id,
        Task.created_at < end.at,
        Task.due_date < end.day,
        or_(
            Task.status.in_(OPEN_STATUSES),
            and_(Task.status == "done", Task.completed_at >= end.at),
            and_(Task.status == "rejected", Task.status_changed_at >= end.at),
        ),
    )


def _local_days(later: dt.datetime, earlier: dt.datetime, zone: ZoneInfo) -> int:
    return max((later.astimezone(zone).date() - earlier.astimezone(zone).date()).days, 0)


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def work_figures(org: Organization, month: Month, now: dt.datetime | None = None) -> dict:
    zone = ZoneInfo(org.timezone)
    end = month_end(month, zone, now)
    in_month = (month.start, month.end)

    filed = db.session.scalar(
        select(func.count()).where(
            Recommendation.organization_id == org.id,
            Recommendation.created_at >= in_month[0],
            Recommendation.created_at < in_month[1],
        )
    )
    tasks_filed = dict(
        db.session.execute(
            select(Task.team, func.count())
            .where(
                Task.organization_id == org.id,
                Task.created_at >= in_month[0],
                Task.created_at < in_month[1],
            )
            .group_by(Task.team)
        ).all()
    )
    done_rows = db.session.execute(
        select(Task.team, Task.completed_at, Task.due_date, Recommendation.created_at)
        .join(Recommendation, Recommendation.id == Task.recommendation_id)
        .where(
            Task.organization_id == org.id,
            Task.status == "done",
            Task.completed_at >= in_month[0],
            Task.completed_at < in_month[1],
        )
    ).all()
    overdue = dict(
        db.session.execute(
            select(Task.team, func.count()).where(open_and_late_at(org, end)).group_by(Task.team)
        ).all()
    )
    triaged = db.session.execute(
        select(Task.team, Event.new, Event.created_at, Recommendation.created_at)
        .join(Task, Task.id == Event.task_id)
        .join(Recommendation, Recommendation.id == Task.recommendation_id)
        .where(
            Event.organization_id == org.id,
            Event.kind == "changed",
            Event.field == "status",
            Event.old == "triage",
            Event.new.in_(("todo", "rejected")),
            Event.created_at >= in_month[0],
            Event.created_at < in_month[1],
        )
    ).all()

    def team_figures(team: str | None) -> dict:
        mine = [r for r in done_rows if team is None or r.team == team]
        days = [_local_days(r.completed_at, r[3], zone) for r in mine]
        on_time = [
            r
            for r in mine
            if r.due_date is None or r.completed_at.astimezone(zone).date() <= r.due_date
        ]
        decided = [r for r in triaged if team is None or r.team == team]
        return {
            "filed": tasks_filed.get(team, 0) if team else sum(tasks_filed.values()),
            "accepted": sum(1 for r in decided if r.new == "todo"),
            "rejected": sum(1 for r in decided if r.new == "rejected"),
            "done": len(mine),
            "overdue": overdue.get(team, 0) if team else sum(overdue.values()),
            "median_days_to_done": _median(days),
            "median_days_to_triage": _median([_local_days(r[2], r[3], zone) for r in decided]),
            "done_on_time_pct": round(100 * len(on_time) / len(mine), 1) if mine else None,
        }

    everyone = team_figures(None)
    return {
        "filed": filed,
        "done": everyone["done"],
        "overdue": everyone["overdue"],
        "median_days_to_done": everyone["median_days_to_done"],
        "done_on_time_pct": everyone["done_on_time_pct"],
        "by_team": {team: team_figures(team) for team in TEAMS},
    }


def late_tasks(org: Organization, month: Month, now: dt.datetime | None = None, limit: int = 100):
    """The work still open and late at the month's end, the longest late first."""
    end = month_end(month, ZoneInfo(org.timezone), now)
    tasks = db.session.scalars(
        select(Task).where(open_and_late_at(org, end)).order_by(Task.due_date, Task.id).limit(limit)
    )
    return [
        {
            "id": task.id,
            "title": task.title,
            "team": task.team,
            "status": task.status,
            "assignee": task.assignee.email if task.assignee else None,
            "due_date": task.due_date.isoformat(),
            "days_late": (end.day - task.due_date).days,
        }
        for task in tasks
    ]
