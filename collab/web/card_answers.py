"""What a change made on a board card answers to htmx: the card as it now is (none when the
change takes it off its lane), the board's counts out of band, and what to say."""

from __future__ import annotations

import json

from flask import g, make_response, render_template, request

from collab.web.board import board_counts_for, card_kit
from collab.work.board import card_for


def card_answer(task, today, status: int, **said):
    response = make_response(
        render_template(
            "partials/card.html",
            org=g.org,
            card=card_for(task, today) if task is not None else None,
            kit=card_kit(g.org, g.membership),
            counts=board_counts_for(g.org, today, request.headers.get("HX-Current-URL")),
        ),
        status,
    )
    events = {f"collab:{kind}": {"message": text} for kind, text in said.items()}
    response.headers["HX-Trigger"] = json.dumps(events)
    return response
