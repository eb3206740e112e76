"""The shared board of an organisation."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for

from collab.permissions import access

bp = Blueprint("board", __name__, url_prefix="/orgs/<org>")

COLUMNS = [
    ("triage", "Triage"),
    ("todo", "To do"),
    ("in_progress", "In progress"),
    ("review", "Review"),
    ("done", "Done"),
]


@bp.route("/")
@access("org.view")
def org_home(org: str):
    return redirect(url_for("board.board", org=org))


@bp.route("/board")
@access("board.view")
def board(org: str):
    return render_template("board/board.html", org=g.org, columns=COLUMNS, lanes=[])
