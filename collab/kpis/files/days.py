"""Which column of a tool's table holds the day, and what day each row is (a date, or GA4's
"Nth day" counted from its start date); a table with a row per week or a list of queries is
refused saying what it is instead of days, and what to download. Pure."""

from __future__ import annotations

import datetime as dt

from collab.kpis.files.results import KpiFileError, shown
from collab.kpis.files.sources import GA4_START, Source
from collab.kpis.files.tables import Table
from collab.kpis.files.values import parse_day
from collab.platform.errors import N_, Refusal


def day_refusal(table: Table, source: Source, problem: Refusal, **kwargs) -> KpiFileError:
    return KpiFileError(
        table.file,
        problem,
        Refusal(source.no_day),
        line=table.header_line,
        where=table.where,
        **kwargs,
    )


def day_column(table: Table, keys: list[str], source: Source) -> tuple[int, bool]:
    """(index, counts days from the start date) of the day column, or a refusal that says
    what the table is instead of a daily series."""
    for index, key in enumerate(keys):
        if key in source.nth_day_labels:
            return index, True
        if key in source.day_labels:
            return index, False
    if keys and keys[0] in source.listings:
        what = source.listings[keys[0]]
        listed = Refusal(
            N_("this is %(tool)s's list of %(what)s, not days"),
            tool=source.title,
            what=Refusal(what),
        )
        raise day_refusal(table, source, listed)
    periods = [table.header[i] for i, key in enumerate(keys) if key in source.period_labels]
    if periods:
        period = shown(periods[0]).lower()
        raise day_refusal(
            table, source, Refusal(N_("this report has a row per %(period)s"), period=period)
        )
    names = ", ".join(shown(h, 30) for h in table.header[:6] if h.strip())
    raise day_refusal(
        table,
        source,
        Refusal(
            N_("this %(tool)s table (%(columns)s) has no day column"),
            tool=source.title,
            columns=names,
        ),
        expected=Refusal(N_("a row per day")),
    )


def start_day(table: Table) -> dt.date:
    for key in GA4_START:
        if key in table.notes:
            day = parse_day(table.notes[key])
            if day is not None:
                return day
    raise KpiFileError(
        table.file,
        Refusal(
            N_('the table counts days ("Nth day") but the "# Start date:" line above it is missing')
        ),
        Refusal(
            N_("Download the file from GA4 again and upload it without removing its first lines.")
        ),
        line=table.header_line,
        where=table.where,
    )


def day_of(raw: str, day_first: bool, start: dt.date | None) -> dt.date | None:
    if start is None:
        return parse_day(raw, day_first)
    text = raw.strip()
    if not text.isdigit() or len(text) > 5:
        return None
    return start + dt.timedelta(days=int(text))
