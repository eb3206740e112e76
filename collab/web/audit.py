"""The audit log page: the organisation's directors read who signed in, which tokens were
used and who changed whose rights, newest first."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request

from collab.accounts import audit
from collab.http.access import access

bp = Blueprint("audit", __name__, url_prefix="/orgs/<org>/audit")


@bp.route("/")
@access("audit.view")
def index(org: str):
    before = request.args.get("before", "")
    if before and not (before.isdigit() and len(before) < 19):
        abort(404)  # a cursor is an event number, nothing else
    events, next_before = audit.events_of(g.org, int(before) if before else None)
    return render_template(
        "audit/index.html",
        org=g.org,
        events=events,
        labels=audit.ACTIONS,
        next_before=next_before,
        first_page=not before,
    )
