"""The JSON shapes of API.md. Tasks, recommendations and alerts are built where webhooks
build them too (collab.integrations.objects); comments are the API's alone."""

from __future__ import annotations

from collab.integrations.objects import (  # noqa: F401  (the API's names for them)
    alert_json,
    iso,
    recommendation_json,
    task_json,
    task_links,
)
from collab.models import Comment


def comment_json(comment: Comment) -> dict:
    return {
        "id": comment.id,
        "task_id": comment.task_id,
        "author": comment.author.email if comment.author else None,
        "body": comment.body,
        "internal": comment.internal,
        "created_at": iso(comment.created_at),
    }
