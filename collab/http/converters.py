"""URL converters for every route, web and API: what a path segment may hold.

Installed under Werkzeug's own names ("int" and the default string converter) so that every
route, including ones written tomorrow with the familiar `<int:task_id>` or `<org>`, gets them
without anyone having to remember a special token. A segment that breaks the rules simply
does not match, so the caller gets the ordinary 404, never a 500 from deeper down.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Rule, UnicodeConverter

# Ids are INTEGER columns: 32 bits on PostgreSQL. A larger number in a URL used to reach the
# driver and fail there ("integer out of range" on PostgreSQL, OverflowError on SQLite past 64
# bits): a 500 instead of the 404 any other missing id gets.
MAX_ID = 2**31 - 1
# NUL cannot be stored in PostgreSQL text and no other control character belongs in a slug,
# a token or a category name; refused here, they never reach a query.
_SEGMENT_CHARACTER = r"[^/\x00-\x1f\x7f]"


def digits_up_to(limit: int) -> str:
    """A regex matching the decimal numbers from 0 to `limit` (leading zeros allowed).

    Routing itself must refuse a larger number: a refusal later, in to_python, makes
    Werkzeug answer 405 whenever another method's rule has the same path."""
    text = str(limit)
    choices = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for position, digit in enumerate(text):
        lowest = 1 if position == 0 and len(text) > 1 else 0  # same length: no leading 0
        if int(digit) > lowest:
            rest = len(text) - position - 1
            tail = f"[0-9]{{{rest}}}" if rest else ""
            choices.append(f"{text[:position]}[{lowest}-{int(digit) - 1}]{tail}")
    choices.append(text)
    return "(?:" + "|".join(choices) + ")"


class BoundedIntConverter(IntegerConverter):
    """Non-negative integers that fit an id column; ASCII digits only."""

    regex = digits_up_to(MAX_ID)
    json_schema = {"type": "integer", "minimum": 0, "maximum": MAX_ID}

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None):
        # A route may narrow the bound (<int(max=100):n>) but never widen it past a column.
        bound = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits, min, bound)


class SegmentConverter(UnicodeConverter):
    """One path segment without control characters (Werkzeug's default, less those)."""

    json_schema = {"type": "string", "minLength": 1, "pattern": "^[^/\\u0000-\\u001f\\u007f]+$"}

    def __init__(self, map, minlength: int = 1, maxlength: int | None = None, length=None):
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", _SEGMENT_CHARACTER, 1)


class LazyRule(Rule):
    """A route whose URL builders are compiled when a URL is first built from it.

    Werkzeug compiles two builders (Python source, through ast and compile) for every route
    as the app is made: 45 ms for collab's 126 routes, though a process builds URLs from few
    of them, and the tests make an app per test. Matching a request does not use them."""

    def _compile_builder(self, append_unknown: bool = True):
        compiled = None

        def build(rule: Rule, *args, **kwargs):
            nonlocal compiled
            if compiled is None:  # two threads may both compile: the same function either way
                compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            return compiled(*args, **kwargs)

        return build


def install(app: Flask) -> None:
    """Replace Werkzeug's converters of the same names and its rules; call before any route
    is added."""
    app.url_rule_class = LazyRule
    app.url_map.converters.update(
        {"int": BoundedIntConverter, "default": SegmentConverter, "string": SegmentConverter}
    )
