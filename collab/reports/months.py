"""A month of an organisation, in its own time zone: which one was asked for, and where it
starts and ends."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask_babel import gettext

from collab.models import Organization
from collab.platform.clock import local_today, utcnow
from collab.platform.errors import ValidationFailed

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")  # ASCII digits: \d would take any script's


@dataclass(frozen=True)
class Month:
    first: dt.date  # its first day
    last: dt.date  # its last day
    start: dt.datetime  # the first day's local midnight, in UTC
    end: dt.datetime  # the next month's local midnight, in UTC

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m}"

    def previous(self, zone: ZoneInfo) -> Month:
        return month_of(self.first - dt.timedelta(days=1), zone)

    def a_year_before(self, zone: ZoneInfo) -> Month:
        return month_of(self.first.replace(year=self.first.year - 1), zone)


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)


def month_of(day: dt.date, zone: ZoneInfo) -> Month:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Month(
        first, following - dt.timedelta(days=1), _midnight(first, zone), _midnight(following, zone)
    )


def current_month(org: Organization, now: dt.datetime | None = None) -> Month:
    return month_of(local_today(org.timezone, now), ZoneInfo(org.timezone))


def parse_month(org: Organization, text: object, now: dt.datetime | None = None) -> Month:
    """``YYYY-MM`` in the organisation's calendar; none given: the current month. A malformed
    month, or one after the current month, is refused."""
    now = now or utcnow()
    if text is None or text == "":
        return current_month(org, now)
    match = _MONTH.fullmatch(text) if isinstance(text, str) else None
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
        raise ValidationFailed(
            gettext("the month is malformed"),
            {
                "month": gettext(
                    "%(value)s is not a month; write it as YYYY-MM with a month from 01 to 12, "
                    "e.g. 2026-03",
                    value=repr(str(text)[:20]),
                )
            },
        )
    month = month_of(dt.date(int(match[1]), int(match[2]), 1), ZoneInfo(org.timezone))
    this = current_month(org, now)
    if month.first > this.first:
        raise ValidationFailed(
            gettext("that month has not begun"),
            {
                "month": gettext(
                    "%(month)s has not begun; choose the current month, %(current)s (in "
                    "%(zone)s), or an earlier one",
                    month=month.first.strftime("%Y-%m"),
                    current=this.label,
                    zone=org.timezone,
                )
            },
        )
    return month
