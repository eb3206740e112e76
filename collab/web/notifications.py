"""The in-app notification centre."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for
from flask_login import current_user

from collab.http.access import access
from collab.notifications import inbox as notify
from collab.platform.extensions import db

bp = Blueprint("notifications", __name__, url_prefix="/orgs/<org>/notifications")


@bp.route("/")
@access("org.view")
def index(org: str):
    return render_template(
        "notifications/index.html",
        org=g.org,
        items=notify.notifications_of(current_user, g.org),
    )


@bp.route("/read", methods=["POST"])
@access("org.view")
def mark_all_read(org: str):
    notify.mark_read(current_user, g.org)
    db.session.commit()
    return redirect(url_for("notifications.index", org=org), code=303)
