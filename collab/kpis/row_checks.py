"""The checks every incoming KPI row goes through, from the JSON API or a CSV: its metric, its
date, its channel and its number, each answering (value, None) or (None, why) with the why a
phrase (Refusal) the caller words for its reader. Pure (collab.kpis.input uses them)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping

from collab.kpis.metrics import MetricDef
from collab.platform.errors import N_, Refusal

MAX_CHANNEL_LENGTH = 64
# The earliest and latest years a day of web analytics can fall in: anything else is a
# misread cell (a count in the date column, a year typed as 0205), not a day of traffic.
FIRST_YEAR, LAST_YEAR = 1995, 2199

JSON_FIELDS = frozenset({"metric", "date", "value", "channel"})
JSON_DATE_FORMAT = N_("expected a date as YYYY-MM-DD")
CSV_DATE_FORMAT = N_("expected a date as YYYY-MM-DD or DD.MM.YYYY")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Russian spreadsheets write dates this way; it cannot be confused with a month-first date.
_DOTTED_DATE = re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{4})")


class Checks:
    """Per-call checks; remembers dates already seen, since a file repeats each one many times."""

    def __init__(self, today: dt.date, metrics: Mapping[str, MetricDef]):
        # A datetime would be compared in whatever zone it carries, not the organisation's.
        if not isinstance(today, dt.date) or isinstance(today, dt.datetime):
            raise TypeError("today must be a date: the organisation's local date")
        self.latest = today + dt.timedelta(days=1)
        self.metrics = metrics
        self.importable = ", ".join(name for name, m in metrics.items() if not m.derived)
        self._dates: dict[tuple[str, str], tuple[dt.date | None, str | None]] = {}

    def metric(self, raw) -> tuple[MetricDef | None, str | None]:
        if raw is None or raw == "":
            return None, Refusal(N_("required"))
        if not isinstance(raw, str):
            return None, Refusal(N_("expected a metric name"))
        name = raw.strip().lower()
        if not name:
            return None, Refusal(N_("required"))
        metric = self.metrics.get(name)
        if metric is None:
            return None, Refusal(
                N_("unknown metric '%(name)s' (known: %(known)s)"),
                name=raw.strip(),
                known=self.importable,
            )
        if metric.derived:
            return None, Refusal(
                N_("%(name)s is computed from other metrics, never imported"), name=name
            )
        return metric, None

    def date(self, raw, wrong_format: str) -> tuple[dt.date | None, str | None]:
        if raw is None or raw == "":
            return None, Refusal(N_("required"))
        if not isinstance(raw, str):
            return None, Refusal(wrong_format)
        key = (raw, wrong_format)
        known = self._dates.get(key)
        if known is None:
            known = self._dates[key] = self._parse_date(raw.strip(), wrong_format)
        return known

    def _parse_date(self, text: str, wrong_format: str) -> tuple[dt.date | None, str | None]:
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = match.groups()
        elif wrong_format == CSV_DATE_FORMAT and (match := _DOTTED_DATE.fullmatch(text)):
            day, month, year = match.groups()
        else:
            return None, Refusal(wrong_format)
        try:
            parsed = dt.date(int(year), int(month), int(day))
        except ValueError:
            return None, Refusal(N_("%(text)s is not a real date"), text=text)
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            return None, Refusal(
                N_("%(text)s is not a day of web analytics; check the year"), text=text
            )
        # One day of slack: the sender's "today" may already be tomorrow in our zone.
        if parsed > self.latest:
            return None, Refusal(
                N_("%(day)s is more than a day in the future"), day=parsed.isoformat()
            )
        return parsed, None

    def channel(self, raw) -> tuple[str | None, str | None]:
        if raw is None:
            return "", None
        if not isinstance(raw, str):
            return None, Refusal(N_("expected a string"))
        channel = raw.strip().lower()
        if len(channel) > MAX_CHANNEL_LENGTH:
            return None, Refusal(N_("longer than %(count)s characters"), count=MAX_CHANNEL_LENGTH)
        if "\x00" in channel:  # PostgreSQL cannot store it in text: refused, not a 500
            return None, Refusal(N_("contains a NUL character"))
        return channel, None


def joined(problems: list[Refusal]) -> Refusal:
    """Several problems of one line, in one phrase: "a; b; c"."""
    joined = problems[0]
    for problem in problems[1:]:
        joined = Refusal(N_("%(first)s; %(next)s"), first=joined, next=problem)
    return joined


def checked_sign(value: float, metric: MetricDef | None) -> tuple[float | None, str | None]:
    if not math.isfinite(value):
        return None, Refusal(N_("not a finite number"))
    if metric is not None and (problem := metric.out_of_range(value)):
        return None, problem
    # Adding zero turns -0.0 into 0.0, which would otherwise come back out of the API as "-0.0".
    return value + 0.0, None


def json_number(raw, metric: MetricDef | None) -> tuple[float | None, str | None]:
    if raw is None:
        return None, Refusal(N_("required"))
    # bool is an int in Python, but true/false in a KPI feed is a bug upstream, never a count.
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        if isinstance(raw, str) and _looks_numeric(raw):
            return None, Refusal(N_("not a number: a string; send the number without quotes"))
        return None, Refusal(N_("not a number"))
    try:
        value = float(raw)
    except OverflowError:
        return None, Refusal(N_("not a finite number"))
    return checked_sign(value, metric)


def _looks_numeric(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False
