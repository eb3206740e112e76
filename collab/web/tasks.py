"""A task's page, and the forms that change it: move, triage, comment, several at once."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from collab.accounts.people import members_of
from collab.accounts.roles import role_may
from collab.http.access import access
from collab.models.work import STATUS_LABELS
from collab.notifications.groups import read_task
from collab.platform import checklists
from collab.platform.clock import local_today
from collab.platform.errors import Conflict, DomainError
from collab.platform.extensions import db
from collab.web.card_answers import card_answer
from collab.web.feedback import refuse
from collab.web.history import history_lines
from collab.web.kpis.impact_panel import task_impact_panel
from collab.web.notes import note_for_task_page
from collab.web.page import is_htmx
from collab.web.task_forms import asks_past_due, changes_from, task_form, version_of
from collab.web.task_triage import triage_panel
from collab.work import conversation, recommendations, tasks, triage
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
            if name == "assignee" and value == "-":
                changes[name] = None
            elif value:
                changes[name] = value
    return changes


def _assignees(task) -> list:
    return [m for m in members_of(g.org) if m.role in task.team_roles]


def _rights(task) -> tuple[bool, bool]:
    """(may triage, may work on it): staff work on their own team's tasks, directors on all."""
    role = g.membership.role
    may_triage = role_may(role, "task.triage")
    return may_triage, may_triage or (role_may(role, "task.move") and role == task.team)


def _page(
    task,
    form=None,
    status: int = 200,
    refusal: str = "",
    past_due: str = "",
    draft: str = "",
    preview_html: str = "",
):
    """The task's page. After a refused save: the form as it was typed, its problems beside
    the fields and the refusal at the form, not a screen above it. ``draft`` is a comment
    being written (shown again with its ``preview_html``)."""
    page = max(request.args.get("urls_page", 1, type=int) or 1, 1)
    may_triage, may_work = _rights(task)
    comments = conversation.comments_for(task, g.membership)
    return (
        render_template(
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
            comments=comments,
            comment_html={
                c.id: _with_boxes(
                    render_markdown(c.body),
                    f"tick-comment-{c.id}",
                    may_work or c.author_id == g.membership.user_id,
                )
                for c in comments
            },
            me=g.membership.user_id,
            draft=draft,
            draft_internal=request.form.get("internal") == "1",
            preview_html=preview_html,
            history=history_lines(tasks.history(task, g.membership), ZoneInfo(g.org.timezone)),
            may_triage=may_triage,
            may_work=may_work,
            triage=triage_panel(task, may_triage, request.args.get("duplicate_q", "")),
            may_comment_internal=role_may(g.membership.role, "comment.internal"),
            form=form or task_form(task, _assignees(task)),
            refusal=refusal,
            past_due=past_due,
            description_html=_with_boxes(
                render_markdown(task.recommendation.description), "tick-description", may_work
            ),
        ),
        status,
    )


@bp.route("/<int:task_id>")
@access("board.view")
def show(org: str, task_id: int):
    task = tasks.task_in(g.org, task_id)
    if read_task(g.membership.user, g.org, task.id):
        db.session.commit()  # opening the task reads what was said about it
    return _page(task)


def _with_boxes(html: str, form: str, may_tick: bool) -> str:
    """Checklist boxes become buttons for those who may tick them (each posts ``form``)."""
    return checklists.tickable(html, form) if may_tick else html


def render_markdown(text: str) -> str:
    from collab.training.library import render_html

    return render_html(text or "")


@bp.route("/<int:task_id>/move", methods=["POST"])
@access("task.move")
def move(org: str, task_id: int):
    """A card moved on the board (drag and drop, or the card's own form without JavaScript).
    To htmx it answers the card as it now is, the board's counts (out of band) and what to
    say; a refusal answers the card as it really is, to go back in place of the dragged one."""
    task = tasks.task_in(g.org, task_id)
    changes = _form_changes(("status", "team", "assignee"))
    today = local_today(g.org.timezone)
    try:
        tasks.update_task(g.membership, task, changes, _version())
    except DomainError as exc:
        message = refuse(exc)
        if not is_htmx():
            return redirect(request.referrer or url_for("board.board", org=org))
        return card_answer(db.session.get(type(task), task.id), today, exc.status, refused=message)
    db.session.commit()
    if set(changes) == {"assignee"}:  # the board's "assign to me" key
        who = task.assignee.display_name if task.assignee else gettext("nobody")
        moved = gettext("“%(title)s” is assigned to %(who)s.", title=task.title, who=who)
    else:
        moved = gettext(
            "“%(title)s” is now in %(status)s.", title=task.title, status=STATUS_LABELS[task.status]
        )
    if is_htmx():
        return card_answer(task, today, 200, moved=moved)
    flash(moved)
    return redirect(request.referrer or url_for("board.board", org=org))


@bp.route("/<int:task_id>/update", methods=["POST"])
@access("task.move")
def update(org: str, task_id: int):
    """The task page's form: triage (team, category, priority, due date, rejection...) for
    directors, status and assignee for the team's staff."""
    task = tasks.task_in(g.org, task_id)
    form = task_form(task, _assignees(task))
    if not form.validate_on_submit():  # only the CSRF token can fail here
        return _page(task, form, 400, refusal=gettext("The form expired: save it again."))
    may_triage, _ = _rights(task)
    changes = changes_from(form, may_triage)
    question = asks_past_due(task, changes, local_today(g.org.timezone), form)
    if may_triage and question:
        form.due_date.errors = [question]
        return _page(task, form, 422, past_due=question)
    try:
        tasks.update_task(g.membership, task, changes, version_of(form))
    except Conflict as exc:
        message = refuse(exc, form, inline=True)
        # Saving again applies what was typed over the colleague's change, knowingly.
        current = tasks.task_in(g.org, task_id)
        form.version.data = str(current.version)
        return _page(current, form, 409, refusal=f"{message} {CONFLICT_ADVICE}")
    except DomainError as exc:
        message = refuse(exc, form, inline=True)
        return _page(tasks.task_in(g.org, task_id), form, exc.status, refusal=message)
    db.session.commit()
    flash(gettext("Saved."))
    return redirect(url_for("tasks.show", org=org, task_id=task_id, _anchor="main"), code=303)


CONFLICT_ADVICE = _l(
    "What you chose is still in the form: compare it with the task as it is now (above) and "
    "save again to apply it."
)


@bp.route("/<int:task_id>/comments", methods=["POST"])
@access("comment.create")
def comment(org: str, task_id: int):
    task = tasks.task_in(g.org, task_id)
    try:
        conversation.add_comment(
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


@bp.route("/<int:task_id>/comments/preview", methods=["POST"])
@access("comment.create")
def preview_comment(org: str, task_id: int):
    """The draft as it will read, through the same sanitised Markdown; htmx takes the preview
    alone, a plain post the page with the draft still in its box."""
    task = tasks.task_in(g.org, task_id)
    draft = request.form.get("body", "")[:20_000]
    html = render_markdown(draft)
    if is_htmx():
        return render_template("tasks/_comment_preview.html", preview_html=html)
    return _page(task, draft=draft, preview_html=html)


@bp.route("/<int:task_id>/comments/<int:comment_id>/edit", methods=["POST"])
@access("comment.create")
def edit_comment(org: str, task_id: int, comment_id: int):
    task = tasks.task_in(g.org, task_id)
    try:
        comment = conversation.comment_on(task, comment_id)
        conversation.edit_comment(g.membership, task, comment, request.form.get("body", ""))
    except DomainError as exc:
        refuse(exc)
    else:
        db.session.commit()
        flash(gettext("Your comment is changed; the history keeps what it said."))
    return redirect(url_for("tasks.show", org=org, task_id=task_id, _anchor="comments"), 303)


@bp.route("/<int:task_id>/comments/<int:comment_id>/delete", methods=["POST"])
@access("comment.create")
def delete_comment(org: str, task_id: int, comment_id: int):
    task = tasks.task_in(g.org, task_id)
    try:
        comment = conversation.comment_on(task, comment_id)
        conversation.delete_comment(g.membership, task, comment)
    except DomainError as exc:
        refuse(exc)
    else:
        db.session.commit()
        flash(gettext("Your comment is deleted; the history keeps what it said."))
    return redirect(url_for("tasks.show", org=org, task_id=task_id, _anchor="comments"), 303)


@bp.route("/<int:task_id>/tick", methods=["POST"])
@access("comment.create")
def tick(org: str, task_id: int):
    """A box of a checklist, in the description or a comment, ticked or unticked."""
    task = tasks.task_in(g.org, task_id)
    anchor = "description"
    try:
        comment = None
        if request.form.get("comment", "").isdigit():
            comment = conversation.comment_on(task, int(request.form["comment"]))
            anchor = f"comment-{comment.id}"
        conversation.tick_item(g.membership, task, request.form.get("item", ""), comment)
    except DomainError as exc:
        refuse(exc)
    else:
        db.session.commit()
    return redirect(url_for("tasks.show", org=org, task_id=task_id, _anchor=anchor), 303)


@bp.route("/bulk", methods=["POST"])
@access("task.triage")
def bulk(org: str):
    """Several selected cards at once: the same function as the API's PATCH of /tasks."""
    picks = []
    for raw in request.form.getlist("task"):
        task_id, _, version = raw.partition(":")
        if task_id.isdigit() and version.isdigit():
            picks.append((int(task_id), int(version)))
    items = []
    try:
        items = triage.bulk_items(request.form.get("action", ""), picks, request.form)
        changed = tasks.update_many(g.membership, g.org, items)
    except DomainError as exc:
        known = tasks.titles_of(g.org, [item["id"] for item in items])
        titles = {i: known.get(item["id"], f"task #{item['id']}") for i, item in enumerate(items)}
        refuse(exc, titles=titles)
    else:
        db.session.commit()
        flash(gettext("%(count)s task(s) updated.", count=len(changed)))
    return redirect(request.referrer or url_for("board.board", org=org))
