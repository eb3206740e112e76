"""What finished work did, as its task, its training note and its kind's history read it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
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
        result = plan.measure(work, metric)
        if confounders is None:
            confounders = confounders_of(task, result, zone)
        items.append(impact_object(metric, result, confounders))
    return items


def impact_object(metric: str, result: dict, confounders: list[int]) -> dict:
    """An impact as API.md tells it: the measurement, its metric and its confounders."""
    return {
        "metric": metric,
        **{k: v for k, v in result.items() if k != "warnings"},
        "confounders": confounders,
        "warnings": list(result.get("warnings", ())) + _confounder_warnings(confounders),
    }


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


@dataclass(frozen=True)
class PastResult:
    """One measured impact of a finished task, as notes and histories tell it."""

    task_id: int
    completed_at: datetime | None
    summary: dict  # {"metric", "change_pct", "verdict"}
    impact_id: int


def measured_by_task(task_ids: Iterable[int]) -> dict[int, list[dict]]:
    """These tasks' own measured impacts, {"metric", "change_pct", "verdict"}, in one
    statement; a reopened task's old impacts wait for the next run, so only done tasks'."""
    ids = sorted(set(task_ids))
    found: dict[int, list[dict]] = {}
    if not ids:
        return found
    rows = db.session.execute(
        select(TaskImpact.task_id, TaskImpact.metric, TaskImpact.change_pct, TaskImpact.verdict)
        .join(Task, Task.id == TaskImpact.task_id)
        .where(TaskImpact.task_id.in_(ids), TaskImpact.status == "measured", Task.status == "done")
        .order_by(TaskImpact.id)
    )
    for task_id, metric, change, verdict in rows:
        found.setdefault(task_id, []).append(
            {"metric": metric, "change_pct": change, "verdict": verdict}
        )
    return found


def history_by_category(
    org: Organization, categories: Iterable[str]
) -> dict[str, list[PastResult]]:
    """The measured impacts of the organisation's finished work in these categories, oldest
    first, in one statement: what earlier work of each kind did here."""
    categories = list(categories)
    found: dict[str, list[PastResult]] = {category: [] for category in categories}
    if not categories:
        return found
    rows = db.session.execute(
        select(
            Task.category,
            TaskImpact.task_id,
            Task.completed_at,
            TaskImpact.metric,
            TaskImpact.change_pct,
            TaskImpact.verdict,
            TaskImpact.id,
        )
        .join(Task, Task.id == TaskImpact.task_id)
        .where(
            TaskImpact.organization_id == org.id,
            TaskImpact.status == "measured",
            Task.category.in_(categories),
            Task.status == "done",
        )
        .order_by(TaskImpact.completed_on, TaskImpact.task_id, TaskImpact.id)
    )
    for category, task_id, completed_at, metric, change, verdict, impact_id in rows:
        summary = {"metric": metric, "change_pct": change, "verdict": verdict}
        found[category].append(PastResult(task_id, completed_at, summary, impact_id))
    return found


def measured_in_history(history: dict[str, list[PastResult]]) -> dict[int, list[dict]]:
    """What ``measured_by_task`` answers for the finished tasks of these categories, read from
    their history instead of the database: the same impacts, in the same order."""
    found: dict[int, list[tuple[int, dict]]] = {}
    for results in history.values():
        for result in results:
            found.setdefault(result.task_id, []).append((result.impact_id, result.summary))
    return {task_id: [summary for _, summary in sorted(own)] for task_id, own in found.items()}
