"""Training notes: reading, marking read, editing an organisation's copy, My training."""

from __future__ import annotations

from flask import Blueprint

from collab.notes import note_html

bp = Blueprint("notes", __name__, url_prefix="/orgs/<org>/notes")


@bp.app_context_processor
def _task_note():
    def task_note(task, membership):
        title, body_html = note_html(task)
        return {"title": title, "body_html": body_html}

    return {"task_note": task_note}
