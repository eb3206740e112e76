"""Site audits in the browser: drop the files, see what they would do, confirm; read an
import and (directors) undo it; the organisation's hosts, audit routing and CSV columns.

Every step is a plain form post: upload -> preview page -> confirm, with JavaScript off."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from collab.accounts.roles import role_may
from collab.audits import history, sites, undo, uploads
from collab.audits.imports import audit_date
from collab.audits.routes import lighthouse_rows, screaming_frog_rows
from collab.http.access import access
from collab.http.uploads import large_upload
from collab.models.site_audits import CSV_ROLES
from collab.platform.errors import DomainError, ValidationFailed
from collab.platform.extensions import db
from collab.web.feedback import refuse
from collab.work.routing import CATEGORIES, UNCATEGORISED

bp = Blueprint("audits", __name__, url_prefix="/orgs/<org>/audits")


def _index(error: DomainError | None = None, status: int = 200):
    return render_template(
        "audits/index.html",
        org=g.org,
        imports=history.imports_of(g.org),
        hosts=sites.hosts_of(g.org),
        error=error,
        may_edit_settings=role_may(g.membership.role, "settings.edit"),
    ), status


@bp.route("/")
@access("audit.import")
def index(org: str):
    return _index()


@bp.route("/preview", methods=["POST"])
@access("audit.import")
@large_upload
def preview(org: str):
    files = [(f.filename, f.read()) for f in request.files.getlist("file") if f.filename]
    try:
        if not files:
            raise ValidationFailed(
                gettext("no file was chosen"), {"file": gettext("choose one or more files")}
            )
        audited_on = audit_date(request.form.get("audited_on"), g.org)
        shown = uploads.preview(g.org, g.membership, files, audited_on)
    except ValidationFailed as exc:
        db.session.rollback()
        return _index(exc, 422)
    plan = shown.plan
    return render_template(
        "audits/preview.html",
        org=g.org,
        shown=shown,
        plan=plan,
        problems=history.problems_said(
            {"problems": plan.problems, "problem_terms": plan.problem_terms}
        ),
    )


@bp.route("/confirm", methods=["POST"])
@access("audit.import")
def confirm(org: str):
    token = request.form.get("token", "")
    try:
        record = uploads.confirm(
            g.org, g.membership, token, add_hosts=request.form.get("add_hosts") == "1"
        )
    except ValidationFailed as exc:
        db.session.rollback()
        return _index(exc, 422)
    if record is None:
        flash(gettext("That upload has expired; please choose the files again."), "error")
        return redirect(url_for("audits.index", org=org), code=303)
    db.session.commit()
    uploads.forget(g.org, token)
    result = record.result
    flash(
        gettext(
            "Imported: %(new)s new, %(updated)s updated, %(fixed)s verified fixed, "
            "%(unchanged)s unchanged.",
            new=len(result["created"]),
            updated=len(result["updated"]),
            fixed=len(result["resolved"]),
            unchanged=len(result["unchanged"]),
        )
    )
    return redirect(url_for("audits.show", org=org, import_id=record.id), code=303)


@bp.route("/<int:import_id>")
@access("board.view")
def show(org: str, import_id: int):
    record = history.import_in(g.org, import_id)
    return render_template(
        "audits/show.html",
        org=g.org,
        record=record,
        sections=history.sections_of(record),
        problems=history.problems_said(record.result or {}),
        may_undo=role_may(g.membership.role, "audit.undo"),
    )


@bp.route("/<int:import_id>/undo", methods=["POST"])
@access("audit.undo")
def undo_import(org: str, import_id: int):
    record = history.import_in(g.org, import_id)
    try:
        done = undo.undo_import(g.org, g.membership, record)
    except DomainError as exc:
        refuse(exc)
    else:
        db.session.commit()
        said = gettext(
            "Import #%(id)s undone: %(removed)s recommendations removed, "
            "%(restored)s put back as they were",
            id=record.id,
            removed=done.removed,
            restored=done.restored,
        )
        if done.kept:
            said += gettext("; %(kept)s kept because people already work on them", kept=done.kept)
        flash(said + ".")
    return redirect(url_for("audits.show", org=org, import_id=import_id), code=303)


# --- the organisation's audit settings -----------------------------------------------------


@bp.route("/settings")
@access("settings.edit")
def settings(org: str):
    return render_template(
        "audits/settings.html",
        org=g.org,
        hosts=sites.hosts_of(g.org),
        overrides=sites.overrides_of(g.org),
        columns=sites.csv_columns(g.org),
        roles=CSV_ROLES,
        categories=[c for c in CATEGORIES.values() if c.slug != UNCATEGORISED],
        known=len(lighthouse_rows()) + len(screaming_frog_rows()),
    )


def _saved(message: str):
    db.session.commit()
    flash(message)
    return redirect(url_for("audits.settings", org=g.org.slug), code=303)


def _refused(exc: DomainError):
    refuse(exc)
    return redirect(url_for("audits.settings", org=g.org.slug), code=303)


@bp.route("/settings/hosts", methods=["POST"])
@access("settings.edit")
def add_host(org: str):
    try:
        site = sites.add_host(g.org, g.membership, request.form.get("host", ""))
    except DomainError as exc:
        return _refused(exc)
    return _saved(f"{site.host} is a site of {g.org.name}.")


@bp.route("/settings/hosts/<int:site_id>/delete", methods=["POST"])
@access("settings.edit")
def remove_host(org: str, site_id: int):
    sites.remove_host(g.org, site_id)
    return _saved(gettext("Host removed."))


@bp.route("/settings/routing", methods=["POST"])
@access("settings.edit")
def set_routing(org: str):
    try:
        sites.set_override(
            g.org,
            g.membership,
            request.form.get("identifier", ""),
            request.form.get("category", ""),
        )
    except DomainError as exc:
        return _refused(exc)
    return _saved(gettext("Routing saved: it applies to issues imported from now on."))


@bp.route("/settings/routing/<int:override_id>/delete", methods=["POST"])
@access("settings.edit")
def remove_routing(org: str, override_id: int):
    sites.remove_override(g.org, override_id)
    return _saved(gettext("Routing removed: collab's table applies again."))


@bp.route("/settings/columns", methods=["POST"])
@access("settings.edit")
def set_columns(org: str):
    try:
        sites.set_csv_columns(g.org, {role: request.form.get(role) for role in CSV_ROLES})
    except DomainError as exc:
        return _refused(exc)
    return _saved(gettext("Columns saved: crawler CSVs are read with them from now on."))
