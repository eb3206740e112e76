"""The private calendar feed: read by calendar apps with the token in its URL, no session."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from collab.http.access import access
from collab.integrations import calendar
from collab.platform.extensions import db

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.route("/<token>.ics")
@access(public=True)  # the token in the URL is the credential, as calendar apps need
def feed(token: str):
    found = calendar.feed_for(token)
    if found is None:
        abort(404)
    text = calendar.calendar(found)
    db.session.commit()  # when a calendar last read it, for the profile page
    return Response(
        text,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'inline; filename="collab-due-dates.ics"',
            "Cache-Control": "private, max-age=300",
            "X-Robots-Tag": "noindex",
        },
    )
