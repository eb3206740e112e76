"""Cursor paging, one way for every list: the API's tasks, alerts and KPI rows.

A cursor is the key of the last row a page showed, as URL-safe base64 of a small JSON object;
a page is asked for with one row more than it shows, so whether another page follows costs no
second query. Pure."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import TypeVar

from collab.platform.errors import N_

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
NOT_A_CURSOR = N_("not a cursor this API gave")

Row = TypeVar("Row")


def encode_cursor(key: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str) -> dict:
    """The key a cursor carries; ValueError(NOT_A_CURSOR) for anything this API did not give."""
    try:
        found = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error):
        found = None
    if not isinstance(found, dict):
        raise ValueError(NOT_A_CURSOR)
    return found


def page_of(rows: Sequence[Row], limit: int) -> tuple[list[Row], bool]:
    """The rows to show of a query asked for ``limit + 1``, and whether a next page exists."""
    return list(rows[:limit]), len(rows) > limit
