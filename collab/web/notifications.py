"""The in-app notification centre."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, url_for
from flask_login import current_user

from collab.http.access import access
from collab.notifications import groups
from collab.notifications import inbox as notify
from collab.platform.extensions import db

bp = Blueprint("notifications", __name__, url_prefix="/orgs/<org>/notifications")


@bp.route("/")
@access("org.view")
def index(org: str):
    return render_template(
        "notifications/index.html",
        org=g.org,
        groups=groups.grouped(current_user, g.org),
    )


@bp.route("/read", methods=["POST"])
@access("org.view")
def mark_all_read(org: str):
    notify.mark_read(current_user, g.org)
    db.session.commit()
    return redirect(url_for("notifications.index", org=org), code=303)


@bp.route("/<int:notification_id>")
@access("org.view")
def open_one(org: str, notification_id: int):
    """Following a notification's link reads it: then on to what it is about."""
    notification = notify.open_notification(current_user, g.org, notification_id)
    if notification is None:
        abort(404)
    db.session.commit()
    if notification.task_id is not None:
        target = url_for("tasks.show", org=org, task_id=notification.task_id)
    elif notification.recommendation_id is not None:
        target = url_for(
            "recommendations.show", org=org, recommendation_id=notification.recommendation_id
        )
    else:
        target = url_for("notifications.index", org=org)
    return redirect(target, code=303)
