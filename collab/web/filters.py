"""Numbers and dates as people read them: one formatter each, registered as Jinja filters.

Templates format through these and nothing else (no strftime, "%.1f"|format or round in a
template): each writes in the reader's language (Flask-Babel's locale for the request, English
outside one) with Babel's CLDR patterns, so "1,234.5" reads "1 234,5" and "March 2026"
"март 2026" in Russian, and moments without a zone of their own show in the reader's time zone.
"""

from __future__ import annotations

import datetime as dt
import math
from numbers import Real
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import Flask, has_request_context
from flask_babel import get_timezone, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from collab.impacts.wording import VERDICT_LABELS
from collab.kpis.metrics import DEFAULT_METRICS, NO_VALUE, format_short, unit_of
from collab.kpis.metrics import metric_label as base_metric_label
from collab.kpis.money import format_money
from collab.models.accounts import ROLE_LABELS, TEAM_LABELS, UNROUTED
from collab.models.work import PRIORITY_LABELS, RESOLUTION_LABELS, STATUS_LABELS
from collab.platform import numbers
from collab.platform.i18n import DEFAULT_LANGUAGE, current_language
from collab.web import avatars
from collab.work.routing import CATEGORIES
from collab.work.routing_reasons import reason_of

MISSING = NO_VALUE
UTC = ZoneInfo("UTC")
MINUS = "\u2212"  # a real minus sign: a hyphen reads as a dash beside a number

# Named rather than free patterns, each in each language's form (CLDR date patterns).
# "iso" and "iso_month" are machine forms (the values of date and month inputs, ids): the same
# in every language.
DATE_STYLES = {
    "day": {"en": "yyyy-MM-dd", "ru": "dd.MM.yyyy"},  # a date in a table or a sentence
    "iso": {"en": "yyyy-MM-dd", "ru": "yyyy-MM-dd"},  # 2026-03-01: a date input's value
    "month": {"en": "LLLL y", "ru": "LLLL y"},  # March 2026, март 2026
    "month_name": {"en": "LLLL", "ru": "LLLL"},  # March, март
    "iso_month": {"en": "yyyy-MM", "ru": "yyyy-MM"},  # 2026-03: a month input's value
    "weekday": {"en": "EEE dd", "ru": "EEE dd"},  # Sun 01, вс 01
}


def language() -> str:
    """The reader's language: the request's locale, English outside a request."""
    return current_language()


def _reader_zone() -> ZoneInfo:
    return ZoneInfo(str(get_timezone())) if has_request_context() else UTC


def _finite(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def number(value, significant: int | None = None) -> str:
    """A figure, its precision following its size: 1,234 / 123 / 12.3 / 1.23 / 0.123.

    Whole numbers show no decimals (14 leads, never 14.0). ``significant`` asks for that
    many significant digits instead (a p-value: 0.031, 1.2e-05)."""
    if significant is not None:
        return numbers.significant(value, significant, language()) if _finite(value) else MISSING
    return format_short(value, language=language())


def percent(value, places: int = 0) -> str:
    """A share already in percent: 66.666 -> "67%", or "66.7%" with one place."""
    if not _finite(value):
        return MISSING
    return numbers.percent(value, places, language())


def signed_percent(value) -> str:
    """A change in percent, its sign always shown: 12.04 -> "+12%", -0.52 -> "−0.5%"."""
    if not _finite(value):
        return MISSING
    places = 0 if abs(value) >= 1 else 1
    rounded = round(value, places)
    sign = "+" if rounded > 0 else ""
    if rounded == 0:
        places = 0  # "0%", not "0.0%" or "-0%"
    text = numbers.percent(abs(rounded), places, language())
    return f"{sign}{MINUS if rounded < 0 else ''}{text}"


def metric(value, name: str, currency: str | None = None) -> str:
    """A value of a KPI, written for its unit: 1.42 of the search CTR reads "1.42%"; money
    with the organisation's ``currency`` reads "$1,250"."""
    return format_short(value, unit_of(name), currency, language())


def figure(value, unit: str = "", currency: str | None = None) -> str:
    """A headline figure: counts without decimals ("1,234"), money with the organisation's
    currency ("$12,480", "$45.20"), everything else as a KPI value reads."""
    if not _finite(value):
        return MISSING
    if unit == "count":
        return numbers.decimal(value, 0, language()).replace("-", MINUS)
    if unit == "money" and currency:
        return format_money(value, currency, 0 if abs(value) >= 1000 else None, language())
    return format_short(value, unit, language=language())


def money(value, currency: str | None) -> str:
    """An amount in the organisation's currency, with its cents: "$1,250.50", "980.00 ₽"."""
    return format_money(value, currency, language=language()) if _finite(value) else MISSING


def _in_zone(value: dt.datetime, zone: ZoneInfo | None) -> dt.datetime:
    # Stored times are UTC; anything arriving naive (RQ's timestamps) is UTC too.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(zone or _reader_zone())


def _pattern(style: str) -> str:
    patterns = DATE_STYLES[style]
    return patterns.get(language(), patterns[DEFAULT_LANGUAGE])


def date(value, style: str = "day", zone: ZoneInfo | None = None) -> str:
    """A day: a date, or a moment taken as the day it was in ``zone`` (by default the
    reader's time zone: their profile's, else UTC)."""
    if value is None:
        return MISSING
    if isinstance(value, dt.datetime):
        value = _in_zone(value, zone).date()
    return format_date(value, _pattern(style), locale=language())


def datetime(value, zone: ZoneInfo | None = None) -> str:
    """A moment to the minute, naming its time zone: "2026-03-01 14:05 UTC"."""
    if value is None:
        return MISSING
    local = _in_zone(value, zone)
    day = format_date(local.date(), _pattern("day"), locale=language())
    return f"{day} {local:%H:%M} {local.tzname()}"


def _label(labels: dict[str, str], value) -> str:
    """The words for a stored value; one unknown to the vocabulary reads as itself, spaced."""
    if value is None or value == "":
        return MISSING
    return str(labels.get(value) or str(value).replace("_", " "))


def status_label(value) -> str:
    return _label(STATUS_LABELS, value)


def team_label(value) -> str:
    """A task's team; none yet reads "Unrouted"."""
    return str(UNROUTED) if value in (None, "") else _label(TEAM_LABELS, value)


def category_label(value) -> str:
    # The names are collab.work.routing's (`make translations` finds them in its table).
    return gettext(CATEGORIES[value].name) if value in CATEGORIES else _label({}, value)


# The built-in metrics' words (collab.kpis.metrics), marked here for the catalogue; an
# organisation's own metric reads as it was named.
_METRIC_WORDS = (
    _l("leads"),
    _l("spend"),
    _l("staff cost"),
    _l("revenue"),
    _l("organic sessions"),
    _l("search click-through rate"),
    _l("conversion rate"),
    _l("page load time (LCP, ms)"),
    _l("404 count"),
    _l("bounce rate"),
    _l("cost per lead"),
    _l("ROMI"),
    _l("search clicks"),
    _l("search impressions"),
    _l("average search position"),
    _l("sessions"),
    _l("active users"),
    _l("ad clicks"),
    _l("ad impressions"),
)


def metric_label(value) -> str:
    """How a metric reads, in the reader's language when it is one of collab's own."""
    words = base_metric_label(value)
    return gettext(words) if value in DEFAULT_METRICS else words


def priority_label(value) -> str:
    return _label(PRIORITY_LABELS, value)


def resolution_label(value) -> str:
    return _label(RESOLUTION_LABELS, value)


def role_label(value) -> str:
    return _label(ROLE_LABELS, value)


# collab.impacts.wording's verdicts, marked here for the catalogue.
_VERDICT_WORDS = (_l("improved"), _l("worsened"), _l("no clear change"), _l("inconclusive"))


def verdict_label(value) -> str:
    """A measured impact's verdict as the pages say it (API.md's four values), in the
    reader's language."""
    return gettext(_label(VERDICT_LABELS, value))


# A language a text is written in, as a label and inside a sentence ("rewrote it in Russian").
_LANGUAGE_WORDS = {
    "en": (_l("English"), _l("in English")),
    "ru": (_l("Russian"), _l("in Russian")),
}


def language_label(value) -> str:
    return str(_LANGUAGE_WORDS[value][0]) if value in _LANGUAGE_WORDS else _label({}, value)


def in_language(value) -> str:
    return str(_LANGUAGE_WORDS[value][1]) if value in _LANGUAGE_WORDS else _label({}, value)


def placeholder_list(names) -> Markup:
    """A note's placeholders as its text writes them: "<code>{due_date}</code>, ..."."""
    return Markup(", ").join(Markup("<code>{{{}}}</code>").format(name) for name in names)


def translated(words: str) -> str:
    """collab's own words carried as data (a metric's label in a note's facts) in the
    reader's language; anything the catalogue does not know reads as it is."""
    return gettext(words) if words else words


FILTERS = {
    "placeholder_list": placeholder_list,
    "translated": translated,
    "number": number,
    "percent": percent,
    "signed_percent": signed_percent,
    "metric": metric,
    "money": money,
    "figure": figure,
    "metric_label": metric_label,
    "date": date,
    "datetime": datetime,
    "status_label": status_label,
    "team_label": team_label,
    "category_label": category_label,
    "routing_reason": reason_of,  # a task's, in the reader's language
    "priority_label": priority_label,
    "resolution_label": resolution_label,
    "role_label": role_label,
    "verdict_label": verdict_label,
    "language_label": language_label,
    "in_language": in_language,
    "initials": avatars.initials,
    "hue": avatars.hue,
}


def install(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
