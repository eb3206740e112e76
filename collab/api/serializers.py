"""The JSON shapes of API.md, built from models in one place."""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for

from collab.models import Comment, Recommendation, Task
from collab.platform.clock import local_today
from collab.training.task_notes import NoteBook, note_for_task
from collab.work import recommendations
from collab.work.deadlines import is_due_soon, is_overdue


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def task_json(task: Task, today: date | None = None, notes: NoteBook | None = None) -> dict:
    """``notes``: the note book of a list's tasks; a single task gets one of its own."""
    org = task.recommendation.organization
    today = today or local_today(org.timezone)
    if notes is None:
        notes = NoteBook.for_tasks(org, [task])
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
        "due_date": _iso(task.due_date),
        "started_at": _iso(task.started_at),
        "completed_at": _iso(task.completed_at),
        "overdue": is_overdue(task.status, task.due_date, today),
        "due_soon": is_due_soon(task.status, task.due_date, today, org.alert_due_soon_days),
        "version": task.version,
        "routing": {
            "team": task.routed_team,
            "category": task.routed_category,
            "reason": task.routing_reason,
        },
        "training_note": note_for_task(task, notes),
        "url": url_for("tasks.show", org=org.slug, task_id=task.id, _external=True),
    }


def recommendation_json(recommendation: Recommendation) -> dict:
    org = recommendation.organization
    today = local_today(org.timezone)
    notes = NoteBook.for_tasks(org, recommendation.tasks)
    return {
        "id": recommendation.id,
        "title": recommendation.title,
        "description": recommendation.description,
        "category": recommendation.category,
        "priority": recommendation.priority,
        "due_date": _iso(recommendation.proposed_due_date),
        "external_id": recommendation.external_id,
        "url_count": recommendation.url_count,
        "urls": recommendations.urls_page(recommendation, 1, 200),
        "status": recommendations.status_of(recommendation),
        "filed_by": recommendation.filed_by.email if recommendation.filed_by else None,
        "created_at": _iso(recommendation.created_at),
        "tasks": [task_json(task, today, notes) for task in recommendation.tasks],
    }


def comment_json(comment: Comment) -> dict:
    return {
        "id": comment.id,
        "task_id": comment.task_id,
        "author": comment.author.email if comment.author else None,
        "body": comment.body,
        "internal": comment.internal,
        "created_at": _iso(comment.created_at),
    }
