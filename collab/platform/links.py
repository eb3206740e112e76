"""Absolute links to collab's pages, for what is read outside collab (e-mail, webhooks,
chat messages): from BASE_URL, in a request or in a job alike, never from a request's Host
header."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, url_for


def link(endpoint: str, base_url: str | None = None, **values) -> str:
    """An absolute link: from ``base_url`` when given (what webhooks and e-mail use, in or
    out of a request), else url_for's own."""
    if base_url is None:
        return url_for(endpoint, _external=True, **values)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base_url.rstrip("/") + path


# An id no page has: a link built with it shows where each id goes.
_PROBE = 987_654_321_012_345


def links_by_id(endpoint: str, key: str, base_url: str | None = None, **values) -> Callable:
    """``link`` for many pages that differ by one integer ``key`` (the tasks of a list): built
    once, then each id is set in, where a URL build per item would cost a tenth of a task's
    JSON."""
    built = link(endpoint, base_url, **values, **{key: _PROBE})
    if built.count(str(_PROBE)) != 1:  # the probe's digits elsewhere in it: built each time
        return lambda value: link(endpoint, base_url, **values, **{key: value})
    head, tail = built.split(str(_PROBE))
    return lambda value: f"{head}{int(value)}{tail}"
