"""The shared board of an organisation, and moving cards on it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from collab.accounts.people import members_of
from collab.accounts.roles import role_may
from collab.http.access import access
from collab.impacts.ledger import best_impacts
from collab.models import PRIORITIES
from collab.models.accounts import TEAM_LABELS, UNROUTED
from collab.models.work import STATUS_LABELS
from collab.platform.clock import local_today
from collab.web.impact_text import badge_text
from collab.web.page import is_htmx
from collab.work import board, lifecycle, routing

bp = Blueprint("board", __name__, url_prefix="/orgs/<org>")

# Asked before a director's drop hands a card to the other team; board.js fills the names in.
REROUTE_QUESTION = "Hand “{title}” from {from} over to {to}? {to} will own it from now on."


def card_kit(org, membership) -> dict:
    """What every card of one page shares, computed once: a board renders hundreds."""
    role = membership.role if membership else None
    director = role in lifecycle.DIRECTORS
    moves = {}
    for status in lifecycle.TRANSITIONS:
        team = None if director else role
        targets = [
            t
            for t in lifecycle.TRANSITIONS[status]
            if t != "rejected" and lifecycle.refusal(role, team, status, t) is None
        ]
        moves[status] = [
            (t, STATUS_LABELS[t]) for t in sorted(targets, key=list(STATUS_LABELS).index)
        ]
    return {
        "show": url_for("tasks.show", org=org.slug, task_id=0)[:-1],
        "move": url_for("tasks.move", org=org.slug, task_id=0)[: -len("0/move")],
        "csrf": generate_csrf(),
        "role": role,
        "me": membership.user.email if membership else None,
        "director": director,
        "may_move": role_may(role, "task.move"),
        "moves": moves,
        "teams": list(TEAM_LABELS.items()),
    }


def board_counts_for(org, today, page_url: str | None) -> board.Board:
    """The counts of the board a move was made on, with that page's filters (htmx names the
    page in HX-Current-URL)."""
    query = MultiDict(parse_qsl(urlsplit(page_url or "").query))
    return board.count_board(org, board.filters_from(query), today)


def _add_badges(cards: list[board.Card]) -> None:
    """One query for the measured impacts of the finished cards on view."""
    if cards:
        best = best_impacts(card.id for card in cards)
        for card in cards:
            impact = best.get(card.id)
            if impact is not None:
                card.badge = badge_text(impact)
                card.badge_verdict = impact["verdict"]  # "no clear change" is never green


def add_done_badges(loaded: board.Board) -> None:
    _add_badges(
        [
            card
            for (status, _), lane in loaded.cells.items()
            if status == "done"
            for card in lane.cards
        ]
    )


@bp.route("/")
@access("org.view")
def org_home(org: str):
    return redirect(url_for("board.board", org=org))


@bp.route("/board", endpoint="board")
@access("board.view")
def board_page(org: str):
    filters = board.filters_from(request.args)
    today = local_today(g.org.timezone)
    loaded = board.load_board(g.org, filters, today)
    add_done_badges(loaded)
    return render_template(
        "board/board.html",
        org=g.org,
        board=loaded,
        filters=filters,
        categories=[c for c in routing.CATEGORIES.values() if c.slug != routing.UNCATEGORISED],
        people=members_of(g.org),
        kit=card_kit(g.org, g.membership),
        team_filter=[*TEAM_LABELS.items(), ("none", UNROUTED)],
        priorities=PRIORITIES,
        reroute_question=REROUTE_QUESTION,
    )


@bp.route("/board/more")
@access("board.view")
def more(org: str):
    filters = board.filters_from(request.args)
    status = request.args.get("status", "")
    if status not in dict(board.COLUMNS):
        status = "triage"
    team = request.args.get("lane")  # the lane's team; "team" is the board's filter
    if team not in ("it", "marketing"):
        team = None
    try:
        offset = max(int(request.args.get("offset", board.PAGE)), 0)
    except ValueError:
        offset = board.PAGE
    today = local_today(g.org.timezone)
    cards = board.more_cards(g.org, filters, today, status, team, offset)
    if status == "done":
        _add_badges(cards)
    return render_template(
        "partials/more_cards.html" if is_htmx() else "board/more.html",
        org=g.org,
        cards=cards,
        status=status,
        team=team,
        filters=filters,
        next_offset=offset + len(cards) if len(cards) == board.PAGE else None,
        kit=card_kit(g.org, g.membership),
    )
