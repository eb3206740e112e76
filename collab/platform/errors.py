"""Domain errors: raised by collab's functions, translated by the web views and the API."""

from __future__ import annotations

from flask_babel import gettext


def N_(message: str) -> str:
    """Marks a message for the catalogue (`make translations`) where it is raised; whoever
    shows it to a person translates it (Refusal.said)."""
    return message


class Refusal(ValueError):
    """A refusal from a pure rule (a webhook address, a routing rule, a KPI file): ``message``
    marked with N_ and the ``terms`` that fill it, which may be refusals (phrases) themselves.
    str() is English, for logs and relays; ``said()`` is what a person reads, in the language
    being written in."""

    def __init__(self, message: str, **terms: object) -> None:
        self.message, self.terms = message, terms
        super().__init__(message % terms if terms else message)

    def said(self) -> str:
        return gettext(self.message, **{name: said(term) for name, term in self.terms.items()})

    def __reduce__(self):
        # Exceptions pickle by args alone, which would lose the terms (a KPI file's refusal
        # crosses to the worker's parent when a background import fails).
        return (_refusal, (self.__class__, self.message, self.terms))


def _refusal(kind: type[Refusal], message: str, terms: dict) -> Refusal:
    return kind(message, **terms)


def said(words: object) -> object:
    """Words from a pure rule as a person reads them: a Refusal in their language, anything
    else as it is."""
    return words.said() if isinstance(words, Refusal) else words


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
