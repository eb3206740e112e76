"""Training notes: reading, marking read, editing an organisation's copy, My training."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from collab.accounts.roles import role_may
from collab.http.access import access
from collab.models.notes import SHIPPED_VERSION
from collab.platform.errors import Conflict, ValidationFailed
from collab.platform.extensions import db
from collab.training import library as training
from collab.training import phrases, reading, versions
from collab.training.task_notes import NoteBook, task_note
from collab.web import filters
from collab.web.feedback import refuse
from collab.web.page import is_htmx
from collab.work import tasks
from collab.work.routing import CATEGORIES

bp = Blueprint("notes", __name__, url_prefix="/orgs/<org>/notes")


def note_for_task_page(task, membership) -> dict:
    """The note section of a task's page, with the facts loaded for that one task."""
    return task_note(task, membership, NoteBook.for_tasks(g.org, [task]))


class NoteForm(FlaskForm):
    title = StringField(_l("Title"), render_kw={"maxlength": versions.TITLE_MAX})
    body = TextAreaField(_l("The note, in Markdown"), render_kw={"rows": 24})
    base_version = HiddenField()
    language = HiddenField()


def _may(action: str) -> bool:
    return role_may(g.membership.role, action)


def _language() -> str:
    """The note's language this page or form is about (``language=``), else the reader's."""
    return versions.note_language(request.values.get("language"))


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


# What each placeholder becomes on a task, said on the note's own page (library.PLACEHOLDERS).
PLACEHOLDER_WORDS = {
    "url_count": _l("how many URLs the task lists"),
    "priority": _l("its priority"),
    "due_date": _l("its due date"),
    "kpi_figures": _l("today's figures for the numbers it should move"),
}


@bp.route("/<category>")
@access("org.view")
def show(org: str, category: str):
    category = versions.known_category(category)
    language = _language()
    book = NoteBook.for_category(g.org, category)
    languages = book.in_languages(category)
    current = languages[language]
    read = reading.read_of(g.membership.user_id, g.org, category, language)
    history = book.history(category)
    return render_template(
        "notes/show.html",
        org=g.org,
        category=CATEGORIES[category],
        current=current,
        each_language=list(languages.values()),
        # Placeholders said in words: nobody reads "{due_date}" or an unknown one in braces.
        body_html=training.render_html(
            training.describe(
                current.note.body_md, {k: str(v) for k, v in PLACEHOLDER_WORDS.items()}
            )
        ),
        unknown=training.unknown_placeholders(current.note.body_md) if _may("notes.edit") else [],
        known=list(training.PLACEHOLDERS),
        kpis=[training.metric_label(m) for m in current.note.kpis],
        history_html=training.render_html(phrases.history(history)) if history else "",
        versions=versions.versions(g.org, category, language),
        state=reading.state_of(read, current.version),
        read=read,
        may_edit=_may("notes.edit"),
        may_mark_read=_may("notes.mark_read"),
    )


def _edit_page(category: str, language: str, form: NoteForm, status=200, conflict=False):
    languages = versions.note_in_languages(g.org, category)
    current = languages[language]
    return (
        render_template(
            "notes/edit.html",
            org=g.org,
            category=CATEGORIES[category],
            current=current,
            each_language=list(languages.values()),
            form=form,
            conflict=conflict,
            kpis=[training.metric_label(m) for m in current.note.kpis],
        ),
        status,
    )


@bp.route("/<category>/edit", methods=["GET", "POST"])
@access("notes.edit")
def edit(org: str, category: str):
    """Edits the note in one language (``language=``, the director's by default); the other
    language's text stays as it is."""
    category = versions.known_category(category)
    language = _language()
    if request.method == "GET":
        current = versions.current_note(g.org, category, language)
        form = NoteForm(
            title=current.note.title,
            body=current.note.body_md,
            base_version=current.version,
            language=language,
        )
        return _edit_page(category, language, form)
    form = NoteForm()
    if not form.validate_on_submit():  # only the CSRF token can fail here
        return _edit_page(category, language, form, 400)
    try:
        saved = versions.save_version(
            g.membership,
            g.org,
            category,
            form.title.data,
            form.body.data,
            _int(form.base_version.data),
            language,
        )
    except ValidationFailed as exc:
        refuse(exc, form, fallback="body")
        return _edit_page(category, language, form, 422)
    except Conflict as exc:
        refuse(exc, form, fallback="body")
        # Saving again from this form now builds on the colleague's version.
        form.base_version.data = str(versions.current_note(g.org, category, language).version)
        return _edit_page(category, language, form, 409, conflict=True)
    back = url_for("notes.show", org=org, category=category, language=language)
    if saved is None:
        flash(gettext("Nothing changed, so no new version was saved."))
        return redirect(back, code=303)
    db.session.commit()
    missing = [h for h in training.SECTIONS if not training.section(saved.body_md, h)]
    flash(
        gettext(
            "Saved as version %(version)s %(in_language)s. Every task of this kind shows it "
            "to those who read %(in_language)s; the other language's text is unchanged.",
            version=saved.version,
            in_language=filters.in_language(language),
        )
    )
    unknown = training.unknown_placeholders(saved.body_md)
    if unknown:
        flash(unknown_placeholders_warning(unknown), "warning")
    if missing:
        flash(
            gettext(
                "Worth adding: the note has no section headed %(headings)s. "
                "Task pages and the API read those sections.",
                headings=", ".join(f"“## {h}”" for h in missing),
            ),
            "warning",
        )
    return redirect(back, code=303)


def unknown_placeholders_warning(unknown: list[str]) -> str:
    names = ", ".join(f"{{{name}}}" for name in unknown)
    known = ", ".join(f"{{{name}}}" for name in training.PLACEHOLDERS)
    return gettext(
        "Tasks show nothing for %(names)s: collab fills in no such placeholder. "
        "The ones it fills in are %(known)s; correct the name or remove it.",
        names=names,
        known=known,
    )


@bp.route("/<category>/diff")
@access("org.view")
def diff(org: str, category: str):
    category = versions.known_category(category)
    language = _language()
    current = versions.current_note(g.org, category, language)
    new = _int(request.args.get("new"))
    new = current.version if new is None else new
    old = _int(request.args.get("old"))
    old = max(new - 1, SHIPPED_VERSION) if old is None else old
    lines = versions.diff(g.org, category, old, new, language)
    return render_template(
        "notes/diff.html",
        org=g.org,
        category=CATEGORIES[category],
        current=current,
        versions=versions.versions(g.org, category, language),
        old=old,
        new=new,
        lines=lines,
    )


@bp.route("/<category>/revert", methods=["POST"])
@access("notes.edit")
def revert(org: str, category: str):
    category = versions.known_category(category)
    language = _language()
    version = _int(request.form.get("version"))
    back = url_for("notes.show", org=org, category=category, language=language)
    try:
        saved = versions.revert(g.membership, g.org, category, version, language)
    except (ValidationFailed, Conflict) as exc:
        refuse(exc)
        return redirect(back, code=303)
    db.session.commit()
    if version == SHIPPED_VERSION:
        said = gettext(
            "Restored collab's own note %(in_language)s as the new version %(new)s.",
            new=saved.version,
            in_language=filters.in_language(language),
        )
    else:
        said = gettext(
            "Restored version %(old)s %(in_language)s as the new version %(new)s.",
            old=version,
            new=saved.version,
            in_language=filters.in_language(language),
        )
    flash(said)
    return redirect(back, code=303)


@bp.route("/<category>/read", methods=["POST"])
@access("notes.mark_read")
def mark_read(org: str, category: str):
    """The "Mark as read" button: a plain form post, or an htmx swap of the task's note."""
    task_id = _int(request.form.get("task"))
    task = tasks.task_in(g.org, task_id) if task_id is not None else None
    version = _int(request.form.get("version"))
    language = _language()
    try:
        reading.mark_read(g.membership, g.org, category, version, language)
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
        flash(gettext("Marked as read. Thank you for taking the time."))
    if task is not None:
        target = url_for("tasks.show", org=org, task_id=task.id) + "#task-note"
    elif request.form.get("back") == "mine":
        target = url_for("notes.my_training", org=org)
    else:
        target = url_for(
            "notes.show", org=org, category=versions.known_category(category), language=language
        )
    return redirect(target, code=303)
