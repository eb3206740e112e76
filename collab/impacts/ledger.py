"""The ledger of measured impacts, and the one impact each finished card on the board shows."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from collab.impacts.wording import clear
from collab.kpis.custom_metrics import metric_definitions
from collab.models import Organization, Task
from collab.models.kpis import TaskImpact
from collab.platform.extensions import db


def best_impacts(task_ids: Iterable[int]) -> dict[int, dict]:
    """One query: each task's most significant measured impact, {"metric", "change_pct",
    "verdict"} by task id.

    Significant changes (improved or worsened) win over the rest (no change, inconclusive),
    then the smallest p-value, then the largest change."""
    ids = sorted(set(task_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            TaskImpact.task_id,
            TaskImpact.metric,
            TaskImpact.change_pct,
            TaskImpact.verdict,
            TaskImpact.p_value,
        )
        .join(Task, Task.id == TaskImpact.task_id)
        .where(
            TaskImpact.task_id.in_(ids),
            TaskImpact.status == "measured",
            Task.status == "done",  # a reopened task's old impacts wait for the next run
        )
    )
    best: dict[int, tuple] = {}
    for task_id, metric, change, verdict, p_value in rows:
        rank = (
            not clear(verdict),  # an unclear result never outranks a clear one
            p_value if p_value is not None else 2.0,
            -abs(change) if change is not None else 0.0,
            metric,
        )
        if task_id not in best or rank < best[task_id][0]:
            best[task_id] = (rank, {"metric": metric, "change_pct": change, "verdict": verdict})
    return {task_id: impact for task_id, (_, impact) in best.items()}


def impact_ledger(org: Organization, page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
    """Measured impacts of completed work, best first by the improvement their 95% interval
    vouches for; confounded ones flagged. Returns one page and the total."""
    definitions = metric_definitions(org)
    where = (
        TaskImpact.organization_id == org.id,
        TaskImpact.status == "measured",
        Task.status == "done",
    )
    total = db.session.scalar(
        select(func.count())
        .select_from(TaskImpact)
        .join(Task, Task.id == TaskImpact.task_id)
        .where(*where)
    )
    rows = db.session.execute(
        select(TaskImpact, Task.title, Task.category)
        .join(Task, Task.id == TaskImpact.task_id)
        .where(*where)
        .order_by(
            TaskImpact.score.is_(None),
            TaskImpact.score.desc(),
            TaskImpact.completed_on.desc(),
            TaskImpact.id,
        )
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    items = []
    for row, title, category in rows:
        definition = definitions.get(row.metric)
        items.append(
            {
                "task_id": row.task_id,
                "title": title,
                "category": category,
                "metric": row.metric,
                "completed_on": row.completed_on,
                "change_pct": row.change_pct,
                "ci95_pct": row.result.get("ci95_pct"),
                "p_value": row.p_value,
                "verdict": row.verdict,
                "material_pct": row.result.get("material_pct"),
                "score": row.score,
                "confounder_count": row.confounder_count,
                "lower_is_better": bool(definition and definition.lower_is_better),
            }
        )
    return items, int(total or 0)
