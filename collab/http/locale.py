"""Which language and time zone this request is answered in, read from the request.

collab.platform.i18n decides from plain values; this adapter gathers them: the asker's
profile (a session's person, or an API token's), the header switch's cookie, and the
browser's Accept-Language.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request

from collab.http.access import current_principal
from collab.platform import i18n


def _asker():
    return current_principal() if has_request_context() else None


def select_language() -> str:
    if not has_request_context():
        return i18n.DEFAULT_LANGUAGE
    person = _asker()
    return i18n.choose_language(
        profile=getattr(person, "language", None),
        switched=request.cookies.get(i18n.LANGUAGE_COOKIE),
        accepted=request.accept_languages,
    )


def select_time_zone() -> str:
    zone = getattr(_asker(), "time_zone", None)
    return zone if i18n.is_time_zone(zone) else i18n.DEFAULT_TIME_ZONE


def _vary(response):
    # The same address answers in another language for another browser: caches must know.
    response.vary.add("Accept-Language")
    return response


def install(app: Flask) -> None:
    i18n.install(app, select_language, select_time_zone)
    app.after_request(_vary)
