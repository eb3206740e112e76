"""A task's page, and the forms that change it: move, triage, comment, several at once."""

from __future__ import annotations

import json

from flask import Blueprint, flash, g, make_response, redirect, render_template, request, url_for

from collab.accounts.people import members_of
from collab.accounts.roles import role_may
from collab.http.access import access
from collab.models import STATUSES
from collab.platform.clock import local_today
from collab.platform.errors import DomainError
from collab.platform.extensions import db
from collab.web.board import card_kit
from collab.web.feedback import refuse
from collab.web.kpis.impact_panel import task_impact_panel
from collab.web.notes import note_for_task_page
from collab.web.page import is_htmx
from collab.work import recommendations, routing, tasks
from collab.work.board import card_for

bp = Blueprint("tasks", __name__, url_prefix="/orgs/<org>/tasks")


def _version() -> int | None:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return None


def _form_changes(names) -> dict:
    """Only the fields the form sent with a value; empty selects mean "leave as is"."""
    changes = {}
    for name in names:
        if name in request.form:
            value = request.form.get(name, "").strip()
            if name in ("assignee", "due_date") and value == "-":
                changes[name] = None
            elif value:
                changes[name] = value
    return changes


@bp.route("/<int:task_id>")
@access("board.view")
def show(org: str, task_id: int):
    task = tasks.task_in(g.org, task_id)
    page = max(request.args.get("urls_page", 1, type=int) or 1, 1)
    role = g.membership.role
    may_triage = role_may(role, "task.triage")
    return render_template(
        "tasks/show.html",
        org=g.org,
        task=task,
        card=card_for(task, local_today(g.org.timezone)),
        recommendation=task.recommendation,
        recommendation_status=recommendations.status_of(task.recommendation),
        urls=recommendations.url_lines_page(task.recommendation, page),
        urls_page=page,
        note=note_for_task_page(task, g.membership),
        panel=task_impact_panel(task),
        comments=tasks.comments_for(task, g.membership),
        history=tasks.history(task),
        may_triage=may_triage,
        # Staff work on their own team's tasks; directors on every task.
        may_work=may_triage or (role_may(role, "task.move") and role == task.team),
        may_comment_internal=role_may(role, "comment.internal"),
        assignees=[m for m in members_of(g.org) if m.role in task.team_roles],
        statuses=STATUSES,
        categories=[c for c in routing.CATEGORIES.values() if c.slug != routing.UNCATEGORISED],
        description_html=render_markdown(task.recommendation.description),
    )


def render_markdown(text: str) -> str:
    from collab.training.library import render_html

    return render_html(text or "")


@bp.route("/<int:task_id>/move", methods=["POST"])
@access("task.move")
def move(org: str, task_id: int):
    """A card moved on the board (drag and drop, or the card's own form without JavaScript)."""
    task = tasks.task_in(g.org, task_id)
    changes = _form_changes(("status", "team", "assignee"))
    today = local_today(g.org.timezone)
    try:
        tasks.update_task(g.membership, task, changes, _version())
    except DomainError as exc:
        message = refuse(exc)
        if not is_htmx():
            return redirect(request.referrer or url_for("board.board", org=org))
        # The card as it really is goes back in place of the one that was dragged.
        current = db.session.get(type(task), task.id)
        response = make_response(
            render_template(
                "partials/card.html",
                org=g.org,
                card=card_for(current, today),
                kit=card_kit(g.org, g.membership),
            ),
            exc.status,
        )
        response.headers["HX-Trigger"] = json.dumps({"collab:refused": {"message": message}})
        return response
    db.session.commit()
    if is_htmx():
        return render_template(
            "partials/card.html",
            org=g.org,
            card=card_for(task, today),
            kit=card_kit(g.org, g.membership),
        )
    flash(f"“{task.title}” is now {task.status.replace('_', ' ')}.")
    return redirect(request.referrer or url_for("board.board", org=org))


@bp.route("/<int:task_id>/update", methods=["POST"])
@access("task.move")
def update(org: str, task_id: int):
    """The task page's triage form: team, category, assignee, due date, status, rejection."""
    task = tasks.task_in(g.org, task_id)
    changes = _form_changes(
        ("status", "team", "category", "assignee", "due_date", "priority", "resolution", "reason")
    )
    if "duplicate_of" in request.form and request.form["duplicate_of"].strip():
        try:
            changes["duplicate_of"] = int(request.form["duplicate_of"])
        except ValueError:
            changes["duplicate_of"] = request.form["duplicate_of"]
    if "waiting_on_agency" in request.form:
        changes["waiting_on_agency"] = request.form["waiting_on_agency"] == "1"
    try:
        tasks.update_task(g.membership, task, changes, _version())
    except DomainError as exc:
        refuse(exc)
        return redirect(url_for("tasks.show", org=org, task_id=task_id), code=303)
    db.session.commit()
    flash("Saved.")
    return redirect(url_for("tasks.show", org=org, task_id=task_id))


@bp.route("/<int:task_id>/comments", methods=["POST"])
@access("comment.create")
def comment(org: str, task_id: int):
    task = tasks.task_in(g.org, task_id)
    try:
        tasks.add_comment(
            g.membership,
            task,
            request.form.get("body", ""),
            request.form.get("internal") == "1",
        )
    except DomainError as exc:
        refuse(exc)
        return redirect(url_for("tasks.show", org=org, task_id=task_id), code=303)
    db.session.commit()
    return redirect(url_for("tasks.show", org=org, task_id=task_id) + "#comments")


@bp.route("/bulk", methods=["POST"])
@access("task.triage")
def bulk(org: str):
    """Several triage cards at once: the same function as the API's PATCH of /tasks."""
    ids = request.form.getlist("task")
    action = request.form.get("action", "")
    items = []
    for raw in ids:
        task_id, _, version = raw.partition(":")
        if not task_id.isdigit() or not version.isdigit():
            continue
        item = {"id": int(task_id), "version": int(version)}
        if action == "accept":
            item["status"] = "todo"
            if request.form.get("team"):
                item["team"] = request.form["team"]
        elif action == "reject":
            item.update(
                status="rejected", resolution="wont_do", reason=request.form.get("reason", "")
            )
        elif action == "ask":
            item["waiting_on_agency"] = True
        elif action == "team" and request.form.get("team"):
            item["team"] = request.form["team"]
        items.append(item)
    try:
        changed = tasks.update_many(g.membership, g.org, items)
    except DomainError as exc:
        refuse(exc)
    else:
        db.session.commit()
        flash(f"{len(changed)} task(s) updated.")
    return redirect(request.referrer or url_for("board.board", org=org))
