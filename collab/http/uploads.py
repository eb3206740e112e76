"""How large a request body may be: 16 MiB everywhere (MAX_CONTENT_LENGTH), and more on the
few routes that take files as the tools write them (MAX_UPLOAD_LENGTH, 100 MiB), marked
``@large_upload``.

The limit is the request's own, looked up from the matched route as the body is read, so it
holds before anything reads the body: the CSRF check of a form, a view, the JSON parser.
Beyond it the answer is 413."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from flask import Request as FlaskRequest


def large_upload(view: Callable) -> Callable:
    """Marks a view whose body may be as large as MAX_UPLOAD_LENGTH."""
    view.large_upload = True
    return view


class Request(FlaskRequest):
    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app and self.url_rule is not None:
            view = current_app.view_functions.get(self.url_rule.endpoint)
            if getattr(view, "large_upload", False):
                return current_app.config["MAX_UPLOAD_LENGTH"]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def install(app: Flask) -> None:
    app.request_class = Request
