"""What a refused change tells the person who asked, said the same way on every page.

A domain function refuses with a DomainError: a message, and what is wrong field by field.
``refuse`` undoes the request's changes (nothing half-done survives a refusal), puts each
field's problem beside that field when the page shows the form, and the message, with any
problem no field of the page could show, at the top of the page as an error.
"""

from __future__ import annotations

import re

from flask import flash
from flask_wtf import FlaskForm

from collab.platform.errors import DomainError
from collab.platform.extensions import db
from collab.web.page import is_htmx

# "urls[3]": the fourth item of a list, which a form takes as a textarea, one item a line.
_ITEM = re.compile(r"(?P<name>\w+)\[(?P<index>\d+)\]")


def refuse(error: DomainError, form: FlaskForm | None = None, *, fallback: str = "") -> str:
    """Roll back, show ``error`` and return its message (an htmx answer carries it in a
    header instead: its fragment shows no flashed messages). Problems that name no field of
    ``form`` go beside its ``fallback`` field when one is given, else into the message."""
    db.session.rollback()
    elsewhere = {
        key: problem
        for key, problem in error.fields.items()
        if form is None or not _beside_field(form, key, problem, fallback)
    }
    details = "; ".join(f"{key.replace('_', ' ')}: {problem}" for key, problem in elsewhere.items())
    message = error.message + (f" ({details})" if details else "")
    if not is_htmx():
        flash(message, "error")
    return message


def _beside_field(form: FlaskForm, key: str, problem: str, fallback: str) -> bool:
    item = _ITEM.fullmatch(key)
    if item and item["name"] in form:
        field, number = form[item["name"]], int(item["index"]) + 1
        lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        typed = f" ({lines[number - 1][:80]})" if number <= len(lines) else ""
        problem = f"line {number}: {problem}{typed}"
    elif key in form:
        field = form[key]
    elif fallback:
        field = form[fallback]
    else:
        return False
    field.errors = [*field.errors, problem]
    return True
