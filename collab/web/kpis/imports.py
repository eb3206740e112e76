"""Importing a CSV file of KPIs: upload and check, preview, confirm; a long file's progress.

What happens to a long file when the job queue is away is collab.kpis.uploads' rule: it is
kept, and this page says that the import waits rather than running it here."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from collab.http.access import access
from collab.kpis import uploads
from collab.kpis.recording import import_csv
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.platform.queue import QueueAway
from collab.web.kpis import bp


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _form(errors=None, message=None, status=200):
    return render_template(
        "kpis/import.html",
        org=g.org,
        errors=errors,
        message=message,
        background_rows=uploads.SYNC_IMPORT_ROWS,
    ), status


@bp.route("/import")
@access("kpi.write")
def import_form(org: str):
    return _form()


@bp.route("/import", methods=["POST"])
@access("kpi.write")
def import_upload(org: str):
    upload = request.files.get("file")
    chosen = upload is not None and bool(upload.filename)
    try:
        preview = uploads.preview(g.org, upload.read() if chosen else request.form.get("text", ""))
    except ValidationFailed as error:
        return _form(error.fields, error.message, 422)
    return render_template(
        "kpis/preview.html",
        org=g.org,
        token=preview.token,
        filename=upload.filename if chosen else "pasted lines",
        summary=preview.summary,
        plan=preview.plan,
        rows=preview.first_rows,
        background=preview.in_background,
    )


@bp.route("/import/confirm", methods=["POST"])
@access("kpi.write")
def import_confirm(org: str):
    token = request.form.get("token", "")
    text = uploads.kept(g.org, token)
    if text is None:
        flash("That upload has expired; please choose the file again.", "error")
        return redirect(url_for("kpis.import_form", org=org))
    if uploads.imports_in_background(text):
        try:
            uploads.start_import(g.org, token, text)
        except QueueAway as away:
            current_app.logger.warning("KPI import %s waits: %s", token, away)
            page = render_template("kpis/import_waiting.html", org=g.org, token=token)
            return page, 503, {"Retry-After": "60"}
        return redirect(url_for("kpis.import_job", org=org, token=token))
    counts = import_csv(g.org, text)
    db.session.commit()
    uploads.forget(g.org, token)
    flash(
        f"Imported: {counts['inserted']} new, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged."
    )
    return redirect(url_for("kpis.dashboard", org=org))


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
