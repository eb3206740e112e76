"""Where each of a person's organisations stands, for the front door of someone in several:
an agency serving many clients, a director of two companies. Per organisation: work waiting
for triage, open, overdue, waiting on the agency's answer, and done in the last 30 days.

Stage counts come from the board's kept counts and the others from indexed counts, so the
page costs the same however much history each organisation has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from collab.models import Membership, Organization, Task
from collab.models.work import OPEN_STATUSES
from collab.platform.clock import local_today, utcnow
from collab.platform.extensions import db
from collab.work import board_counts

RECENT_DAYS = 30


@dataclass(frozen=True)
class Standing:
    organization: Organization
    role: str
    triage: int
    open: int  # accepted and not finished: to do, in progress, in review
    overdue: int
    waiting_on_agency: int
    done_recently: int  # finished in the last RECENT_DAYS days


def standings(memberships: list[Membership], today: date | None = None) -> list[Standing]:
    return [_standing(m, today) for m in memberships]


def _standing(membership: Membership, today: date | None) -> Standing:
    org = membership.organization
    today = today or local_today(org.timezone)
    by_status: dict[str, int] = {}
    for (status, _team), count in board_counts.counts(org.id).items():
        by_status[status] = by_status.get(status, 0) + count
    open_now = (Task.organization_id == org.id, Task.status.in_(OPEN_STATUSES))
    overdue = db.session.scalar(
        select(func.count()).select_from(Task).where(*open_now, Task.due_date < today)
    )
    waiting = db.session.scalar(
        select(func.count()).select_from(Task).where(*open_now, Task.waiting_on_agency.is_(True))
    )
    since = utcnow() - timedelta(days=RECENT_DAYS)
    done = db.session.scalar(
        select(func.count())
        .select_from(Task)
        .where(Task.organization_id == org.id, Task.status == "done", Task.completed_at >= since)
    )
    return Standing(
        organization=org,
        role=membership.role,
        triage=by_status.get("triage", 0),
        open=sum(by_status.get(s, 0) for s in OPEN_STATUSES if s != "triage"),
        overdue=overdue or 0,
        waiting_on_agency=waiting or 0,
        done_recently=done or 0,
    )
