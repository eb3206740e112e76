"""The front door: where a signed-in person lands, and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user

from collab.accounts.people import memberships_of
from collab.http.access import access
from collab.platform import health
from collab.work import overview

bp = Blueprint("home", __name__)


@bp.route("/")
@access()
def index():
    memberships = memberships_of(current_user)
    if len(memberships) == 1:
        return redirect(url_for("board.board", org=memberships[0].organization.slug))
    return render_template("home/index.html", standings=overview.standings(memberships))


@bp.route("/healthz")
@access(public=True)
def healthz():
    parts = health.check()
    ok = all(value == "ok" for value in parts.values())
    return jsonify({"status": "ok" if ok else "down", **parts}), 200 if ok else 503
