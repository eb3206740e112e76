"""Training notes: reading, marking read, editing an organisation's copy, My training."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from collab.accounts.roles import role_may
from collab.http.access import access
from collab.models.notes import SHIPPED_VERSION
from collab.platform.errors import Conflict, ValidationFailed
from collab.platform.extensions import db
from collab.training import library as training
from collab.training import reading, versions
from collab.training.task_notes import NoteBook, task_note
from collab.web.feedback import refuse
from collab.web.page import is_htmx
from collab.work import tasks
from collab.work.routing import CATEGORIES

bp = Blueprint("notes", __name__, url_prefix="/orgs/<org>/notes")


def note_for_task_page(task, membership) -> dict:
    """The note section of a task's page, with the facts loaded for that one task."""
    return task_note(task, membership, NoteBook.for_tasks(g.org, [task]))


class NoteForm(FlaskForm):
    title = StringField("Title", render_kw={"maxlength": versions.TITLE_MAX})
    body = TextAreaField("The note, in Markdown", render_kw={"rows": 24})
    base_version = HiddenField()


def _may(action: str) -> bool:
    return role_may(g.membership.role, action)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/")
@access("org.view")
def index(org: str):
    directors = g.membership.is_director
    return render_template(
        "notes/index.html",
        org=g.org,
        rows=versions.library(g.org),
        rates=reading.read_rates(g.org) if directors else None,
        may_edit=_may("notes.edit"),
    )


@bp.route("/mine")
@access("org.view")
def my_training(org: str):
    return render_template(
        "notes/mine.html",
        org=g.org,
        items=reading.my_training(g.membership),
        may_mark_read=_may("notes.mark_read"),
        team=reading.team_led_by(g.membership.role),
    )


@bp.route("/<category>")
@access("org.view")
def show(org: str, category: str):
    category = versions.known_category(category)
    book = NoteBook.for_category(g.org, category)
    current = book.current(category)
    read = reading.read_of(g.membership.user_id, g.org, category)
    history = book.history(category)
    return render_template(
        "notes/show.html",
        org=g.org,
        category=CATEGORIES[category],
        current=current,
        # Placeholders said in words: nobody reads "{due_date}" or an unknown one in braces.
        body_html=training.render_html(training.describe(current.note.body_md)),
        unknown=training.unknown_placeholders(current.note.body_md) if _may("notes.edit") else [],
        known=list(training.PLACEHOLDERS),
        kpis=[training.metric_label(m) for m in current.note.kpis],
        history_html=training.render_html(training.history_summary(history)) if history else "",
        versions=versions.versions(g.org, category),
        state=reading.state_of(read, current.version),
        read=read,
        may_edit=_may("notes.edit"),
        may_mark_read=_may("notes.mark_read"),
    )


def _edit_page(category: str, form: NoteForm, status: int = 200, conflict: bool = False):
    current = versions.current_note(g.org, category)
    return (
        render_template(
            "notes/edit.html",
            org=g.org,
            category=CATEGORIES[category],
            current=current,
            form=form,
            conflict=conflict,
            kpis=[training.metric_label(m) for m in current.note.kpis],
        ),
        status,
    )


@bp.route("/<category>/edit", methods=["GET", "POST"])
@access("notes.edit")
def edit(org: str, category: str):
    category = versions.known_category(category)
    current = versions.current_note(g.org, category)
    if request.method == "GET":
        form = NoteForm(
            title=current.note.title, body=current.note.body_md, base_version=current.version
        )
        return _edit_page(category, form)
    form = NoteForm()
    if not form.validate_on_submit():  # only the CSRF token can fail here
        return _edit_page(category, form, 400)
    try:
        saved = versions.save_version(
            g.membership,
            g.org,
            category,
            form.title.data,
            form.body.data,
            _int(form.base_version.data),
        )
    except ValidationFailed as exc:
        refuse(exc, form, fallback="body")
        return _edit_page(category, form, 422)
    except Conflict as exc:
        refuse(exc, form, fallback="body")
        # Saving again from this form now builds on the colleague's version.
        form.base_version.data = str(versions.current_note(g.org, category).version)
        return _edit_page(category, form, 409, conflict=True)
    if saved is None:
        flash("Nothing changed, so no new version was saved.")
        return redirect(url_for("notes.show", org=org, category=category), code=303)
    db.session.commit()
    missing = [h for h in training.SECTIONS if not training.section(saved.body_md, h)]
    flash(f"Saved as version {saved.version}. Every task of this kind now shows it.")
    unknown = training.unknown_placeholders(saved.body_md)
    if unknown:
        flash(unknown_placeholders_warning(unknown), "warning")
    if missing:
        flash(
            "Worth adding: the note has no section headed "
            + ", ".join(f"“## {h}”" for h in missing)
            + ". Task pages and the API read those sections.",
            "warning",
        )
    return redirect(url_for("notes.show", org=org, category=category), code=303)


def unknown_placeholders_warning(unknown: list[str]) -> str:
    names = ", ".join(f"{{{name}}}" for name in unknown)
    known = ", ".join(f"{{{name}}}" for name in training.PLACEHOLDERS)
    return (
        f"Tasks show nothing for {names}: collab fills in no such placeholder. "
        f"The ones it fills in are {known}; correct the name or remove it."
    )


@bp.route("/<category>/diff")
@access("org.view")
def diff(org: str, category: str):
    category = versions.known_category(category)
    current = versions.current_note(g.org, category)
    new = _int(request.args.get("new"))
    new = current.version if new is None else new
    old = _int(request.args.get("old"))
    old = max(new - 1, SHIPPED_VERSION) if old is None else old
    lines = versions.diff(g.org, category, old, new)
    return render_template(
        "notes/diff.html",
        org=g.org,
        category=CATEGORIES[category],
        current=current,
        versions=versions.versions(g.org, category),
        old=old,
        new=new,
        lines=lines,
    )


@bp.route("/<category>/revert", methods=["POST"])
@access("notes.edit")
def revert(org: str, category: str):
    category = versions.known_category(category)
    version = _int(request.form.get("version"))
    try:
        saved = versions.revert(g.membership, g.org, category, version)
    except (ValidationFailed, Conflict) as exc:
        refuse(exc)
        return redirect(url_for("notes.show", org=org, category=category), code=303)
    db.session.commit()
    source = "collab's own note" if version == SHIPPED_VERSION else f"version {version}"
    flash(f"Restored {source} as the new version {saved.version}.")
    return redirect(url_for("notes.show", org=org, category=category), code=303)


@bp.route("/<category>/read", methods=["POST"])
@access("notes.mark_read")
def mark_read(org: str, category: str):
    """The "Mark as read" button: a plain form post, or an htmx swap of the task's note."""
    task_id = _int(request.form.get("task"))
    task = tasks.task_in(g.org, task_id) if task_id is not None else None
    version = _int(request.form.get("version"))
    try:
        reading.mark_read(g.membership, g.org, category, version)
    except ValidationFailed as exc:
        refuse(exc)
    else:
        db.session.commit()
        if task is not None and is_htmx():
            return render_template(
                "notes/task_note.html",
                org=g.org,
                task=task,
                note=note_for_task_page(task, g.membership),
            )
        flash("Marked as read. Thank you for taking the time.")
    if task is not None:
        target = url_for("tasks.show", org=org, task_id=task.id) + "#task-note"
    elif request.form.get("back") == "mine":
        target = url_for("notes.my_training", org=org)
    else:
        target = url_for("notes.show", org=org, category=versions.known_category(category))
    return redirect(target, code=303)
