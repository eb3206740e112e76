"""Operational pages for platform operators: health across organisations, never content."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import func, select

from collab.http.access import access
from collab.http.operations import queue_depths
from collab.models import Membership, Organization
from collab.notifications import outbox, telegram_outbox
from collab.platform import health, queue
from collab.platform.errors import NotFound
from collab.platform.extensions import db
from collab.web.forms import ConfirmForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@access(operator=True)
def index():
    rows = db.session.execute(
        select(
            Organization.slug,
            Organization.name,
            Organization.kind,
            Organization.timezone,
            func.count(Membership.id).filter(Membership.active.is_(True)),
        )
        .outerjoin(Membership)
        .group_by(Organization.id)
        .order_by(Organization.name)
    ).all()
    from collab.work.routing_rules import routing_kept

    try:
        failed, failed_error = queue.failed_jobs(), None
    except queue.QueueAway as away:  # say so rather than fail the page
        failed, failed_error = [], str(away)
    return render_template(
        "admin/index.html",
        orgs=rows,
        health=health.check(),
        kept=routing_kept(),
        failed=failed,
        failed_error=failed_error,
        failed_emails=outbox.failed_emails(),
        failed_telegram=telegram_outbox.failed_messages(),
        depths=queue_depths(),
        confirm_form=ConfirmForm(),
    )


@bp.route("/emails/<int:email_id>/retry", methods=["POST"])
@access(operator=True)
def retry_email(email_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            row = outbox.retry_email(email_id)
        except NotFound as exc:
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(
                gettext("The e-mail to %(to)s goes out with the next relay run.", to=row.to_address)
            )
    return redirect(url_for("admin.index"), code=303)


@bp.route("/telegram/<int:message_id>/retry", methods=["POST"])
@access(operator=True)
def retry_telegram(message_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            telegram_outbox.retry_message(message_id)
        except NotFound as exc:
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(
                gettext("Telegram message #%(id)s goes out with the next relay run.", id=message_id)
            )
    return redirect(url_for("admin.index"), code=303)


@bp.route("/jobs/<job_id>/requeue", methods=["POST"])
@access(operator=True)
def requeue(job_id: str):
    if ConfirmForm().validate_on_submit():
        try:
            if queue.requeue(job_id):
                flash(gettext("Job %(id)s is queued again.", id=job_id))
            else:
                flash(gettext("Job %(id)s is no longer among the failed jobs.", id=job_id), "error")
        except queue.QueueAway as away:
            flash(gettext("Job %(id)s was not requeued: %(why)s.", id=job_id, why=away), "error")
    return redirect(url_for("admin.index"), code=303)
