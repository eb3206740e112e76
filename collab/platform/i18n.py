"""The languages collab speaks, and which one a person reads: the one place that knows them.

Pages, e-mails and shipped training notes come in English and Russian (issue 12). Which one a
reader gets is decided here from plain values (their profile, the header switch's cookie, the
browser's Accept-Language): the web adapter (collab.http.locale) reads those from the request
and asks. Capability code that writes for a given person outside a request of theirs (an
e-mail, a chat message) renders inside ``speaking(person.language)``.

What people typed (titles, comments) is never translated: only our own words are.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from functools import cache
from zoneinfo import available_timezones

from babel.support import Translations
from flask import Flask, has_app_context
from flask_babel import Babel, force_locale, get_locale, get_translations

from collab.platform.config import ROOT

LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = "en"
# Each language in its own words: the switch must be readable by whoever cannot read the other.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}
# The header switch's choice for visitors who are not signed in.
LANGUAGE_COOKIE = "lang"
DEFAULT_TIME_ZONE = "UTC"
CATALOGUES = ROOT / "translations"

babel = Babel()


def supported(language: str | None) -> str | None:
    """A language collab speaks, or None: "ru-RU" and "RU" read as "ru"."""
    if not language:
        return None
    base = language.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def choose_language(
    profile: str | None = None,
    switched: str | None = None,
    accepted: Iterable[tuple[str, float]] = (),
) -> str:
    """The reader's language: their profile's, else the header switch's, else the best of
    what their browser accepts (in its order of preference), else English."""
    for choice in (profile, switched):
        if supported(choice):
            return supported(choice)
    for tag, quality in sorted(accepted, key=lambda pair: -pair[1]):
        if quality > 0 and supported(tag):
            return supported(tag)
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """The language being written in now: the request's, or the one ``speaking`` chose."""
    global _NAMED
    locale = get_locale() if has_app_context() else None
    if locale is None:
        return DEFAULT_LANGUAGE
    named = _NAMED
    if named[0] is not locale:  # writing out a locale's name is most of the cost
        named = _NAMED = (locale, supported(str(locale)))
    return named[1]


# The locale last asked about and its language: a list of tasks asks for its one request's
# locale several times a task. A request or ``speaking`` makes a locale object of its own.
_NAMED: tuple = (None, DEFAULT_LANGUAGE)


def speaking(language: str | None) -> AbstractContextManager:
    """Renders text in a person's language (English when they chose none) outside their own
    request: an e-mail to them, a job's message."""
    return force_locale(supported(language) or DEFAULT_LANGUAGE)


@cache
def time_zones() -> tuple[str, ...]:
    """Every IANA name a person may choose ("Europe/Moscow"), sorted, for the profile's list."""
    return tuple(sorted(available_timezones()))


def is_time_zone(name: str | None) -> bool:
    """An IANA time zone name, exactly as the tz database spells it."""
    return bool(name) and name in _zone_set()


@cache
def _zone_set() -> frozenset[str]:
    return frozenset(time_zones())


def install(app: Flask, locale_selector, timezone_selector) -> None:
    """Binds Flask-Babel with the adapter's selectors; catalogues come from translations/."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(CATALOGUES))
    babel.init_app(app, locale_selector=locale_selector, timezone_selector=timezone_selector)
    # Flask-Babel finds the catalogue anew for every phrase a template says (context, domain
    # and cache lookups, most of a board's rendering time: a board of 170 cards says about
    # 1,400). A process's catalogues never change, so templates keep each language's.
    catalogues: dict[str, Translations] = {}

    def catalogue() -> Translations:
        locale = get_locale()
        if locale is None:
            return get_translations()
        found = catalogues.get(str(locale))
        if found is None:
            found = catalogues[str(locale)] = get_translations()
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
    )
