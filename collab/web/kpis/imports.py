"""Importing a KPI file as the tool wrote it: upload, preview (what was recognised, what was
left out and why, a choice for each column no metric takes), confirm; a long file's progress.

The choices are remembered per organisation and source (collab.kpis.file_imports) and apply
to every later file of that source, here and through the API. What happens to a long file
when the job queue is away is collab.kpis.uploads' rule: it is kept, and this page says that
the import waits rather than running it here."""

from __future__ import annotations

import re

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from collab.http.access import access
from collab.http.uploads import large_upload
from collab.kpis import file_imports, uploads
from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.files.sources import SOURCES
from collab.kpis.metrics import UNITS
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.platform.queue import QueueAway
from collab.web.kpis import bp

PASTED = "pasted lines"


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _form(errors=None, message=None, status=200, text=""):
    return render_template(
        "kpis/import.html",
        org=g.org,
        errors=errors,
        message=message,
        text=text,  # pasted lines come back to be fixed, never thrown away
        background_rows=uploads.SYNC_IMPORT_ROWS,
        remembered=file_imports.mappings_of(g.org),
        sources={name: source.title for name, source in SOURCES.items()},
    ), status


def _preview_page(preview: uploads.Preview, errors=None, status=200):
    definitions = metric_definitions(g.org)
    return render_template(
        "kpis/preview.html",
        org=g.org,
        preview=preview,
        read=preview.read,
        errors=errors or {},
        sources={name: source.title for name, source in SOURCES.items()},
        metrics=[m for m in definitions.values() if not m.derived],
        units=UNITS,
        suggested=[_metric_name(u.column, definitions) for u in preview.unmapped],
    ), status


def _metric_name(column: str, definitions: dict) -> str:
    """A name to offer for a new metric made of a column: "Key events" -> "key_events"."""
    name = re.sub(r"[^a-z0-9]+", "_", column.casefold()).strip("_")[:64]
    if not name or not name[0].isalpha():
        name = ("metric_" + name)[:64].rstrip("_")
    return name if name not in definitions else ""


@bp.route("/import")
@access("kpi.write")
def import_form(org: str):
    return _form()


@bp.route("/import", methods=["POST"])
@access("kpi.write")
@large_upload
def import_upload(org: str):
    upload = request.files.get("file")
    pasted = ""
    if upload is not None and upload.filename:
        name, data = upload.filename, upload.read()
    else:
        pasted = request.form.get("text", "")
        name, data = PASTED, pasted.encode("utf-8")
    channel = (request.form.get("channel") or "").strip() or None
    try:
        preview = uploads.preview(g.org, name, data, channel)
    except ValidationFailed as error:
        return _form(error.fields, error.message, 422, text=pasted)
    return _preview_page(preview)


def _choices() -> list[file_imports.ColumnChoice]:
    """The preview's column choices: col-N-source, col-N-column, col-N-choice ("" for not
    now, "ignore", "new", or "metric:<name>"), and for a new metric col-N-name, col-N-unit,
    col-N-lower."""
    form = request.form
    chosen = []
    indexes = sorted(
        {key.split("-")[1] for key in form if key.startswith("col-") and key.count("-") >= 2}
    )
    for index in indexes:
        prefix = f"col-{index}-"
        choice = form.get(prefix + "choice", "")
        if not choice:
            continue
        action, _, metric = choice.partition(":")
        if action == "new":
            metric = form.get(prefix + "name", "")
        chosen.append(
            file_imports.ColumnChoice(
                source=form.get(prefix + "source", ""),
                column=form.get(prefix + "column", ""),
                action=action,
                metric=metric,
                unit=form.get(prefix + "unit", ""),
                lower_is_better=form.get(prefix + "lower") == "1",
                field=f"col-{index}",
            )
        )
    return chosen


def _kept_or_expired(token: str) -> uploads.KeptFile | None:
    upload = uploads.kept(g.org, token)
    if upload is None:
        flash("That upload has expired; please choose the file again.", "error")
    return upload


def _preview_again(upload: uploads.KeptFile, errors=None, status=200):
    try:
        return _preview_page(uploads.preview_again(g.org, upload), errors, status)
    except ValidationFailed as error:  # the file reads differently now (a metric went)
        return _form(error.fields, error.message, 422)


@bp.route("/import/columns", methods=["POST"])
@access("kpi.write")
def import_columns(org: str):
    """Saves the choices made for the columns, then previews the kept file again."""
    upload = _kept_or_expired(request.form.get("token", ""))
    if upload is None:
        return redirect(url_for("kpis.import_form", org=org))
    try:
        saved = file_imports.remember_choices(g.membership, g.org, _choices())
    except ValidationFailed as error:
        db.session.rollback()
        return _preview_again(upload, error.fields, 422)
    db.session.commit()
    if saved:
        flash(f"Saved {saved} choice{'s' if saved != 1 else ''} for this kind of file.")
    return _preview_again(upload)


@bp.route("/import/confirm", methods=["POST"])
@access("kpi.write")
def import_confirm(org: str):
    token = request.form.get("token", "")
    upload = _kept_or_expired(token)
    if upload is None:
        return redirect(url_for("kpis.import_form", org=org))
    choices = _choices()
    if choices:
        try:
            file_imports.remember_choices(g.membership, g.org, choices)
        except ValidationFailed as error:
            db.session.rollback()
            return _preview_again(upload, error.fields, 422)
        db.session.commit()
    if upload.in_background:
        try:
            uploads.start_import(g.org, upload)
        except QueueAway as away:
            current_app.logger.warning("KPI import %s waits: %s", token, away)
            page = render_template("kpis/import_waiting.html", org=g.org, token=token)
            return page, 503, {"Retry-After": "60"}
        return redirect(url_for("kpis.import_job", org=org, token=token))
    try:
        answer = uploads.import_now(g.org, upload)
    except ValidationFailed as error:
        db.session.rollback()
        return _form(error.fields, error.message, 422)
    db.session.commit()
    uploads.forget(g.org, token)
    flash(
        f"Imported {upload.name}: {answer['inserted']} new, {answer['updated']} updated, "
        f"{answer['unchanged']} unchanged."
    )
    return redirect(url_for("kpis.dashboard", org=org))


@bp.route("/import/columns/<int:mapping_id>/forget", methods=["POST"])
@access("kpi.write")
def forget_column(org: str, mapping_id: int):
    if file_imports.forget_choice(g.org, mapping_id):
        db.session.commit()
        flash("Forgotten: the column is offered again with the next file.")
    return redirect(url_for("kpis.import_form", org=org))


@bp.route("/import/jobs/<token>")
@access("kpi.write")
def import_job(org: str, token: str):
    template = "kpis/_job_progress.html" if _is_htmx() else "kpis/job.html"
    try:
        job = uploads.import_progress(g.org, token)
    except QueueAway:
        # The import goes on if a worker has it; the page keeps asking. A fragment answers
        # 200, or htmx would stop swapping it in.
        page = render_template(template, org=g.org, job=None, token=token)
        return page, 200 if _is_htmx() else 503
    if job is None:
        abort(404)  # never was, expired, or another organisation's
    return render_template(template, org=g.org, job=job, token=token)
