"""What finished work did, as its task, its training note and its kind's history read it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from collab.impacts.completed_work import confounders_of, task_work
from collab.impacts.measuring import plan_for
from collab.models import Organization, Task
from collab.models.kpis import TaskImpact
from collab.platform.extensions import db

CONFOUNDERS_NAMED = 10


def impacts_for_task(task: Task) -> list[dict]:
    """The task's impacts measured now from the current data (what the API and the task page
    show; the job stores the same). [] unless done."""
    if task.status != "done" or task.completed_at is None:
        return []
    org = db.session.get(Organization, task.organization_id)
    zone = ZoneInfo(org.timezone)
    work = task_work(task, zone)
    plan = plan_for(org, [work])
    items = []
    confounders: list[int] | None = None
    for metric in plan.metrics.get(work.category, ()):
        series = plan.series[metric]
        result = series.measure(work.completed_on, work.started_on, plan.lower[metric])
        if confounders is None:
            confounders = confounders_of(task, result, zone)
        items.append(
            {
                "metric": metric,
                **{k: v for k, v in result.items() if k != "warnings"},
                "confounders": confounders,
                "warnings": result["warnings"] + _confounder_warnings(confounders),
            }
        )
    return items


def _confounder_warnings(confounders: list[int]) -> list[str]:
    if not confounders:
        return []
    shown = ", ".join(f"#{i}" for i in confounders[:CONFOUNDERS_NAMED])
    hidden = len(confounders) - CONFOUNDERS_NAMED
    more = f" and {hidden} more" if hidden > 0 else ""
    noun = "task was" if len(confounders) == 1 else "tasks were"
    return [
        f"{len(confounders)} other {noun} completed inside these windows "
        f"({shown}{more}); part of the change may be theirs"
    ]


def measured_for_task(task: Task) -> list[dict]:
    """This task's measured impacts as stored by the job: {"metric", "change_pct", "verdict"}."""
    if task.status != "done":
        return []
    rows = db.session.execute(
        select(TaskImpact.metric, TaskImpact.change_pct, TaskImpact.verdict)
        .where(TaskImpact.task_id == task.id, TaskImpact.status == "measured")
        .order_by(TaskImpact.id)
    )
    return [{"metric": m, "change_pct": c, "verdict": v} for m, c, v in rows]


def history_for_category(
    org: Organization | int, category: str, exclude_task_id: int | None = None
) -> list[dict]:
    """Measured impacts of the organisation's earlier completed tasks of this category
    (completed before the excluded task, when that one is complete), oldest first."""
    org_id = org if isinstance(org, int) else org.id
    query = (
        select(TaskImpact.metric, TaskImpact.change_pct, TaskImpact.verdict)
        .join(Task, Task.id == TaskImpact.task_id)
        .where(
            TaskImpact.organization_id == org_id,
            TaskImpact.status == "measured",
            Task.category == category,
            Task.status == "done",
        )
        .order_by(TaskImpact.completed_on, TaskImpact.task_id, TaskImpact.id)
    )
    if exclude_task_id is not None:
        query = query.where(TaskImpact.task_id != exclude_task_id)
        excluded = db.session.get(Task, exclude_task_id)
        if excluded is not None and excluded.completed_at is not None:
            query = query.where(Task.completed_at < excluded.completed_at)
    return [{"metric": m, "change_pct": c, "verdict": v} for m, c, v in db.session.execute(query)]
