"""Triage with one button: Accept, Reject, Need info and Duplicate of, on a triage card and at
the top of the task page. Each is a small form that works without JavaScript; the decision
itself is collab.work.triage's."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from collab.http.access import access
from collab.models.accounts import TEAM_LABELS
from collab.platform.clock import local_today
from collab.platform.errors import DomainError
from collab.platform.extensions import db
from collab.web.card_answers import card_answer
from collab.web.feedback import refuse
from collab.web.page import is_htmx
from collab.work import tasks, triage

bp = Blueprint("triage", __name__, url_prefix="/orgs/<org>/tasks")

DONE = {
    "accept": _l("“%(title)s” is accepted: it is in To do."),
    "reject": _l("“%(title)s” is rejected; the agency reads why."),
    "ask": _l("The agency is asked about “%(title)s”; the task waits on its answer."),
    "duplicate": _l("“%(title)s” is marked as a duplicate."),
}


def triage_panel(task, may_triage: bool, words: str = "") -> dict | None:
    """What the task page's decision buttons need, or None when this person does not triage
    or the task is past triage (accepted work is rejected from To do at the latest)."""
    if not may_triage or task.status not in ("triage", "todo"):
        return None
    words = words.strip()[:200]
    return {
        "action": url_for("triage.decide", org=g.org.slug, task_id=task.id),
        "teams": list(TEAM_LABELS.items()),
        "words": words,
        "candidates": triage.duplicate_candidates(g.org, task, words) if words else [],
    }


@bp.route("/<int:task_id>/decide", methods=["POST"])
@access("task.triage")
def decide(org: str, task_id: int):
    task = tasks.task_in(g.org, task_id)
    decision = request.form.get("decision", "")
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        version = None
    try:
        triage.decide(
            g.membership,
            task,
            decision,
            version,
            team=request.form.get("team", "").strip() or None,
            reason=request.form.get("reason", ""),
            question=request.form.get("question", ""),
            duplicate_of=request.form.get("duplicate_of", "").strip(),
        )
    except DomainError as exc:
        message = refuse(exc)
        if is_htmx():  # the card as it really is, and why nothing changed
            today = local_today(g.org.timezone)
            return card_answer(tasks.task_in(g.org, task_id), today, exc.status, refused=message)
    else:
        db.session.commit()
        done = DONE[decision] % {"title": task.title}
        if is_htmx():
            # A decided card leaves the triage lane; one still waiting there stays in it.
            today = local_today(g.org.timezone)
            return card_answer(task if task.status == "triage" else None, today, 200, moved=done)
        flash(done)
    back = request.referrer or url_for("tasks.show", org=org, task_id=task_id)
    return redirect(back, code=303)
