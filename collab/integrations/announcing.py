"""Work's signals become webhook deliveries, in the transaction of the change itself: a
change that rolls back sends nothing, one that commits is delivered by the relay.

Each subscriber first asks whether the organisation has a webhook for the event (one
indexed read), so organisations without webhooks pay nothing more."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from collab.integrations import deliveries
from collab.integrations.objects import (
    alert_json,
    recommendation_json,
    stored_impact_json,
    task_json,
)
from collab.models import Alert, Organization, Recommendation, Task
from collab.models.integrations import Webhook
from collab.models.kpis import TaskImpact
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.work import events

CHUNK = 1_000


def _base_url() -> str:
    return current_app.config["BASE_URL"]


@events.recommendation_filed.connect
def _recommendation_filed(recommendation: Recommendation, **_) -> None:
    hooks = deliveries.subscribed(recommendation.organization_id, ["recommendation.filed"])
    if hooks["recommendation.filed"]:
        data = recommendation_json(recommendation, base_url=_base_url())
        deliveries.queue_event(
            hooks["recommendation.filed"], "recommendation.filed", data, utcnow()
        )


@events.task_changed.connect
def _task_changed(task: Task, *, old_status: str, now: datetime, **_) -> None:
    hooks = deliveries.subscribed(task.organization_id, ["task.updated", "task.done"])
    finished = task.status == "done" and old_status != "done"
    if not hooks["task.updated"] and not (finished and hooks["task.done"]):
        return
    data = task_json(task, base_url=_base_url())
    deliveries.queue_event(hooks["task.updated"], "task.updated", data, now)
    if finished:
        deliveries.queue_event(hooks["task.done"], "task.done", data, now)


@events.alerts_raised.connect
def _alerts_raised(_sender, *, batch, **__) -> None:
    listening = {
        hook.organization_id
        for hook in db.session.scalars(select(Webhook).where(Webhook.disabled_at.is_(None)))
        if "alert.raised" in hook.event_types
    }
    if not listening:
        return
    now = utcnow()
    found = db.session.scalars(
        select(Alert).where(batch, Alert.organization_id.in_(listening)).order_by(Alert.id)
    )
    hooks: dict[int, list] = {}
    for alert in found:
        if alert.organization_id not in hooks:
            hooks[alert.organization_id] = deliveries.subscribed(
                alert.organization_id, ["alert.raised"]
            )["alert.raised"]
        deliveries.queue_event(hooks[alert.organization_id], "alert.raised", alert_json(alert), now)


@events.impacts_measured.connect
def _impacts_measured(org: Organization, *, impacts: list[tuple[int, str]], **_) -> None:
    hooks = deliveries.subscribed(org.id, ["impact.measured"])["impact.measured"]
    if not hooks:
        return
    zone = ZoneInfo(org.timezone)
    now = utcnow()
    wanted = set(impacts)
    task_ids = sorted({task_id for task_id, _ in wanted})
    for start in range(0, len(task_ids), CHUNK):
        rows = db.session.execute(
            select(TaskImpact, Task)
            .join(Task, Task.id == TaskImpact.task_id)
            .where(TaskImpact.task_id.in_(task_ids[start : start + CHUNK]))
            .order_by(TaskImpact.task_id, TaskImpact.id)
        )
        for impact, task in rows:
            if (task.id, impact.metric) in wanted:
                data = stored_impact_json(impact, task, zone)
                deliveries.queue_event(hooks, "impact.measured", data, now)
