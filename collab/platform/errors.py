"""Domain errors: raised by collab's functions, translated by the web views and the API."""

from __future__ import annotations

from flask_babel import gettext


def N_(message: str) -> str:
    """Marks a message for the catalogue (`make translations`) where it is raised; whoever
    shows it to a person translates it (Refusal.said)."""
    return message


class Refusal(ValueError):
    """A refusal from a pure rule (a webhook address, a routing rule): ``message`` marked with
    N_ and the ``terms`` that fill it. str() is English, for logs and relays; ``said()`` is
    what a person reads, in the language being written in."""

    def __init__(self, message: str, **terms: object) -> None:
        self.message, self.terms = message, terms
        super().__init__(message % terms if terms else message)

    def said(self) -> str:
        return gettext(self.message, **self.terms)


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None, current=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.current = current


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"
