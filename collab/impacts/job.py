"""The impact job's boundaries: the functions a worker, the scheduler or `flask jobs run
impact` calls. Each commits its own work (``run_impact`` after every organisation), so one
organisation's failure never loses another's measurements; everything they call leaves
committing to them (``collab.impacts.measuring``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from collab.impacts.measuring import Counts, measure_org, measure_task_now
from collab.models import Organization, Task
from collab.models.kpis import TaskImpact
from collab.platform.clock import utcnow
from collab.platform.extensions import db

T = TypeVar("T")


def run_impact(now: dt.datetime | None = None) -> str:
    """The impact job: every done task of every organisation, measured where data changed.

    Commits after each organisation and answers one line for `flask jobs run impact`."""
    now = now or utcnow()
    org_ids = db.session.scalars(
        select(Task.organization_id)
        .where(Task.status == "done", Task.completed_at.is_not(None))
        .union(select(TaskImpact.organization_id))
    ).all()
    total = Counts()
    for org_id in sorted(set(org_ids)):
        total.add(_committed(lambda org_id=org_id: measure_org(_org(org_id), now)))
    return total.line()


def measure_task(task_id: int) -> int:
    """Measures one task now (it reached done, or left it); idempotent. Commits.

    Returns how many impacts the task has stored (0 when it is not done)."""
    task = db.session.get(Task, task_id)
    if task is None:
        return 0
    return _committed(lambda: measure_task_now(task))


def _org(org_id: int) -> Organization:
    return db.session.get(Organization, org_id)


def _committed(work: Callable[[], T]) -> T:
    """Runs one unit of the job and commits it, once more after a collision: two runs
    measuring the same new impacts at once are stopped by the unique key (task, metric), and
    once the first has committed, the retry finds its rows and moves on."""
    try:
        answer = work()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        answer = work()
        db.session.commit()
    return answer
