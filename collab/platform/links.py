"""Absolute links to collab's pages, for what is read outside collab (e-mail, webhooks,
chat messages): from BASE_URL, in a request or in a job alike, never from a request's Host
header."""

from __future__ import annotations

from flask import current_app, url_for


def link(endpoint: str, base_url: str | None = None, **values) -> str:
    """An absolute link: from ``base_url`` when given (what webhooks and e-mail use, in or
    out of a request), else url_for's own."""
    if base_url is None:
        return url_for(endpoint, _external=True, **values)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base_url.rstrip("/") + path
