"""My tasks and the archive of rejected work: read-only lists beside the board."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from collab.http.access import access
from collab.platform.clock import local_today
from collab.web.board import card_kit
from collab.work import lists

bp = Blueprint("lists", __name__, url_prefix="/orgs/<org>")


@bp.route("/my-tasks")
@access("board.view")
def my_tasks(org: str):
    today = local_today(g.org.timezone)
    return render_template(
        "tasks/mine.html",
        org=g.org,
        cards=lists.my_open_tasks(g.org, g.membership.user, today),
        kit=card_kit(g.org, g.membership),
    )


@bp.route("/archive")
@access("board.view")
def archive(org: str):
    words = (request.args.get("q") or "").strip()[:200]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found, more = lists.archived(g.org, words, page)
    return render_template(
        "tasks/archive.html", org=g.org, tasks=found, words=words, page=page, more=more
    )
