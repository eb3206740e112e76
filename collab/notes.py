"""Training notes for tasks: the shipped library filled with the task's own facts."""

from __future__ import annotations

from collab import training
from collab.models import Task


def facts_for(task: Task) -> training.TaskFacts:
    return training.TaskFacts(
        url_count=task.recommendation.url_count,
        priority=task.priority,
        due_date=task.due_date,
    )


def note_for_task(task: Task) -> dict:
    return training.api_note(training.shipped_note(task.category), facts_for(task))


def note_html(task: Task) -> tuple[str, str]:
    note = training.shipped_note(task.category)
    return note.title, training.render_html(training.fill(note, facts_for(task)))
