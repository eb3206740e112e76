"""The live board: one stream per open board that says which of its lanes changed, and
those lanes re-rendered for the board to swap in, with its counts.

The stream carries only lane names and task ids (collab.work.live), never what a card
says: the lanes come from `lanes` below, behind the same permission check and filters as
the board page, so nobody learns from the stream what their board would not show them.

A stream holds a web thread while it is open and no database connection. So that open
boards cannot take every thread of a process, a process serves at most BOARD_STREAMS of
them; each ends after BOARD_STREAM_SECONDS, and at once when the person's access changes
(removed, role changed, signed out everywhere): the browser reconnects, through the
permission check again. A
board that gets no stream (503: full, or Redis away) polls instead (static/js/live.js)."""

from __future__ import annotations

import json
import threading

from flask import Blueprint, Response, current_app, g, render_template, request

from collab.accounts.people import access_channel
from collab.http.access import access
from collab.platform import broadcast
from collab.platform.clock import local_today
from collab.platform.queue import QueueAway
from collab.web.board import add_done_badges, card_kit
from collab.work import board, live

bp = Blueprint("live", __name__, url_prefix="/orgs/<org>")

RECONNECT_MS = 1000  # how soon a browser comes back after a stream ends


def _slots() -> threading.BoundedSemaphore:
    """This process's open streams (gunicorn's threads are per process)."""
    return current_app.extensions.setdefault(
        "board_streams", threading.BoundedSemaphore(current_app.config["BOARD_STREAMS"])
    )


@bp.route("/board/events")
@access("board.view")
def stream(org: str):
    slots = _slots()
    if not slots.acquire(blocking=False):
        return _no_stream("every stream of this process is taken")
    try:
        messages = broadcast.listen(
            live.channel(g.org.id),
            access_channel(g.membership.user_id),  # says when this person's access changed
            seconds=current_app.config["BOARD_STREAM_SECONDS"],
            beat=current_app.config["BOARD_STREAM_BEAT"],
        )
    except QueueAway:
        slots.release()
        return _no_stream("the message service cannot be reached")
    response = Response(_events(messages), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # a proxy must pass each event on at once

    # When the stream ends, or its browser goes (the server closes the response then, even
    # one never read): the connection and the slot are freed.
    response.call_on_close(messages.close)
    response.call_on_close(slots.release)
    return response


def _no_stream(why: str) -> Response:
    # Not 200: EventSource gives up, and the board polls instead.
    return Response(why, status=503, mimetype="text/plain", headers={"Retry-After": "60"})


def _events(messages: broadcast.Listening):
    """Runs after the request has ended (no app, no session): only Redis is read here."""
    yield f"retry: {RECONNECT_MS}\n\n"
    for message in messages:
        if message is not None and message.get("end"):
            return  # the browser comes back at once, through the permission check again
        # A comment line keeps proxies from closing a quiet stream, and a write to a
        # browser that has gone fails here, which ends the stream.
        yield ": beat\n\n" if message is None else f"event: board\ndata: {json.dumps(message)}\n\n"


def lanes_asked(text: str | None, lanes: list) -> tuple[list[tuple[str, str | None]], dict]:
    """The lanes named in `lanes` ("todo:it@30,done:") that this board shows (all of them
    when none are named: a poll), and how many cards each shows now ("@30", after "show
    more"), so that it keeps them."""
    every = [(status, team) for status, _ in board.COLUMNS for team, _ in lanes]
    if text is None:
        return every, {}
    named, shown = set(), {}
    for item in text.split(",")[:50]:
        key, _, count = item.partition("@")
        status, _, team = key.partition(":")
        named.add((status, team or None))
        if count.isascii() and count.isdigit() and len(count) < 6:
            shown[(status, team or None)] = int(count)
    return [key for key in every if key in named], shown


@bp.route("/board/lanes")
@access("board.view")
def lanes(org: str):
    filters = board.filters_from(request.args)
    wanted, shown = lanes_asked(request.args.get("lanes"), filters.lanes())
    today = local_today(g.org.timezone)
    loaded = board.load_board(g.org, filters, today, only=set(wanted), shown=shown)
    add_done_badges(loaded)
    return render_template(
        "partials/lanes.html",
        org=g.org,
        board=loaded,
        cells=[loaded.cell(status, team) for status, team in wanted],
        filters=filters,
        kit=card_kit(g.org, g.membership),
        counts=loaded,
    )
