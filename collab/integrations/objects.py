"""The objects of API.md (task, recommendation, alert, impact), built from models in one
place: the JSON API answers them and webhooks send them, so the two never differ.

In a request a task's link follows url_for; a webhook, built in a request or in a job alike,
links from BASE_URL, never from a request's Host header."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from collab.impacts.completed_work import confounders_of
from collab.impacts.results import impact_object
from collab.models import Alert, Recommendation, Task
from collab.models.kpis import TaskImpact
from collab.platform.clock import local_today
from collab.platform.links import links_by_id
from collab.training.task_notes import NoteBook, note_for_task
from collab.work import recommendations
from collab.work.deadlines import is_due_soon, is_overdue
from collab.work.routing_reasons import reason_of

URLS_SHOWN = 200  # a recommendation's first URLs; url_count tells how many it has


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def task_json(
    task: Task,
    today: date | None = None,
    notes: NoteBook | None = None,
    base_url: str | None = None,
    links: Callable[[int], str] | None = None,
) -> dict:
    """``notes``: the note book of a list's tasks (and their organisation); a single task
    gets one of its own. ``links``: a list's ``task_links``."""
    if notes is None:
        notes = NoteBook.for_tasks(task.recommendation.organization, [task])
    org = notes.org
    today = today or local_today(org.timezone)
    return {
        "id": task.id,
        "recommendation_id": task.recommendation_id,
        "title": task.title,
        "category": task.category,
        "team": task.team,
        "status": task.status,
        "resolution": task.resolution,
        "reason": task.reason,
        "duplicate_of": task.duplicate_of_id,
        "waiting_on_agency": task.waiting_on_agency,
        "priority": task.priority,
        "assignee": task.assignee.email if task.assignee else None,
        "due_date": iso(task.due_date),
        "started_at": iso(task.started_at),
        "completed_at": iso(task.completed_at),
        "overdue": is_overdue(task.status, task.due_date, today),
        "due_soon": is_due_soon(task.status, task.due_date, today, org.alert_due_soon_days),
        "version": task.version,
        "routing": {
            "team": task.routed_team,
            "category": task.routed_category,
            "reason": reason_of(task),
        },
        "training_note": note_for_task(task, notes),
        "url": (links or task_links(org.slug, base_url))(task.id),
    }


def task_links(org_slug: str, base_url: str | None = None) -> Callable[[int], str]:
    """The links of an organisation's tasks, by id: one build for a whole list."""
    return links_by_id("tasks.show", "task_id", base_url, org=org_slug)


def recommendation_json(
    recommendation: Recommendation,
    base_url: str | None = None,
    urls: Sequence[str] | None = None,
) -> dict:
    """``urls``: all of its URLs in order, when the caller has them (it has just filed it)."""
    org = recommendation.organization
    today = local_today(org.timezone)
    notes = NoteBook.for_tasks(org, recommendation.tasks)
    links = task_links(org.slug, base_url)
    return {
        "id": recommendation.id,
        "title": recommendation.title,
        "description": recommendation.description,
        "category": recommendation.category,
        "priority": recommendation.priority,
        "due_date": iso(recommendation.proposed_due_date),
        "external_id": recommendation.external_id,
        "url_count": recommendation.url_count,
        "urls": list(urls[:URLS_SHOWN])
        if urls is not None
        else recommendations.urls_page(recommendation, 1, URLS_SHOWN),
        "status": recommendations.status_of(recommendation),
        "filed_by": recommendation.filed_by.email if recommendation.filed_by else None,
        "created_at": iso(recommendation.created_at),
        "tasks": [task_json(task, today, notes, base_url, links) for task in recommendation.tasks],
    }


def alert_json(alert: Alert) -> dict:
    return {
        "id": alert.id,
        "task_id": alert.task_id,
        "kind": alert.kind,
        "level": alert.level,
        "due_date": alert.due_date.isoformat(),
        "created_at": alert.created_at.isoformat(),
        "closed_at": alert.closed_at.isoformat() if alert.closed_at else None,
    }


def stored_impact_json(impact: TaskImpact, task: Task, zone) -> dict:
    """A stored impact as the API tells it, with the task it belongs to."""
    confounders = confounders_of(task, impact.result, zone)
    return {**impact_object(impact.metric, impact.result, confounders), "task_id": task.id}
