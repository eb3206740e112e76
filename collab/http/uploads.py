"""How large a request body may be: MAX_CONTENT_LENGTH (16 MiB) everywhere, except on the
routes that take the tools' exports, which declare @large_upload and get MAX_UPLOAD_LENGTH
(100 MiB). Beyond its limit a body answers 413, as a JSON error under /api/.

The limit must be set before anything reads the body: CSRFProtect reads a page's form in its
own before_request hook, so ``apply_body_limit`` is installed ahead of it."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request

UPLOAD_LIMIT = "MAX_UPLOAD_LENGTH"


def large_upload(view: Callable) -> Callable:
    """Marks a view whose body may be as large as MAX_UPLOAD_LENGTH."""
    view.body_limit = UPLOAD_LIMIT
    return view


def apply_body_limit() -> None:
    if request.endpoint is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    key = getattr(view, "body_limit", None)
    if key is not None:
        request.max_content_length = current_app.config[key]  # Flask 3.1: this request's own


def install(app: Flask) -> None:
    """Call before CSRFProtect.init_app, so the limit is set before the form is read."""
    app.before_request(apply_body_limit)
