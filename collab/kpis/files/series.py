"""One table of a tool's export as daily values per metric and channel. Pure.

Columns are taken by the source's vocabulary, then by the organisation's remembered choice
(``mapping``: source -> column -> metric, or None to ignore). Numbers that no metric takes are
offered as candidates; text columns are breakdowns (campaign, country) whose rows of one day
are added up for counts and money, while a rate cannot be added up and is left out, saying
why. Empty cells are days not measured, never zeros. A refusal collects every unreadable cell
at once, so the person fixes the export in one go.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from collab.kpis.files.days import day_column, day_of, day_refusal, start_day
from collab.kpis.files.results import (
    KpiFileError,
    UnmappedColumn,
    column_key,
    not_chosen,
    shown,
)
from collab.kpis.files.sources import Source, grouped_channel
from collab.kpis.files.tables import Table
from collab.kpis.files.values import (
    NotANumber,
    decimal_mark,
    is_missing,
    looks_like_total,
    names_a_period,
    parse_duration_seconds,
    parse_number,
    slashes_are_day_first,
)
from collab.kpis.metrics import MetricDef
from collab.platform.errors import N_, Refusal

ADDITIVE_UNITS = frozenset({"count", "money"})
MAX_NAMED_PROBLEMS = 20
SAMPLE_ROWS = 200

Key = tuple[str, dt.date, str]  # metric, day, channel


@dataclass(frozen=True)
class Settings:
    metrics: Mapping[str, MetricDef]
    mapping: Mapping[str, Mapping[str, str | None]]  # source -> column key -> metric or None
    channel: str | None  # for rows that do not name their own
    today: dt.date | None


@dataclass
class TableRead:
    source: Source
    values: dict[Key, float] = field(default_factory=dict)
    skipped: list[Refusal] = field(default_factory=list)
    notes: list[Refusal] = field(default_factory=list)
    unmapped: list[UnmappedColumn] = field(default_factory=list)
    currency: str | None = None


@dataclass
class _Column:
    index: int
    label: str
    metric: MetricDef
    fractions: bool | None


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _where(table: Table, line: int) -> str:
    return f"{table.where} {line}"


_LOWER_WORDS = ("cost", "cpc", "bounce", "position", "стоимость", "цена", "отказ", "позиция")
_RATE_WORDS = ("rate", "ctr", "%", "коэффициент", "показатель", "доля", "конверсия")


def _unit_guess(label: str, samples: list[str]) -> str:
    if any(s.strip().endswith("%") for s in samples) or any(
        word in column_key(label) for word in _RATE_WORDS
    ):
        return "percent"
    if samples and all(parse_duration_seconds(s) is not None for s in samples):
        return "ms"
    return "count"


def _numeric(samples: list[str], mark: str | None) -> bool:
    for sample in samples:
        try:
            parse_number(sample, mark)
        except NotANumber:
            if parse_duration_seconds(sample) is None:
                return False
    return bool(samples)


def _plan(table, keys, source, settings, skip, read) -> tuple[list[_Column], list[str], int]:
    """(metric columns, breakdown column labels, currency column or -1)."""
    chosen = {column_key(k): v for k, v in settings.mapping.get(source.name, {}).items()}
    columns, others, breakdowns, currency = [], [], [], -1
    for index, key in enumerate(keys):
        label = table.header[index]
        if index in skip or not key:
            continue
        if key in source.currency_labels:
            currency = index
            continue
        name = chosen[key] if key in chosen else source.columns.get(key)
        if name is None and key not in chosen and not source.columns:
            name = key if key in settings.metrics else None  # our own CSV names metrics
        if key in chosen and name is None:
            read.skipped.append(
                Refusal(
                    N_("%(file)s: column %(column)s ignored, as chosen."),
                    file=table.file,
                    column=repr(shown(label)),
                )
            )
            continue
        metric = settings.metrics.get(name) if name else None
        if metric is not None and metric.derived:
            read.skipped.append(
                Refusal(
                    N_(
                        "%(file)s: column %(column)s is computed by collab from other metrics, "
                        "never imported."
                    ),
                    file=table.file,
                    column=repr(shown(label)),
                )
            )
        elif metric is not None:
            columns.append(_Column(index, label, metric, source.fractions))
        else:
            others.append(index)
    samples = {
        i: [c for c in (_cell(cells, i).strip() for _, cells in table.rows[:SAMPLE_ROWS]) if c]
        for i in others
    }
    mark = _mark(table, [c.index for c in columns] + others)
    for index in others:
        label = table.header[index]
        if _numeric(samples[index], mark):
            read.unmapped.append(
                UnmappedColumn(
                    source.name,
                    shown(label),
                    table.file,
                    tuple(shown(s, 20) for s in samples[index][:3]),
                    _unit_guess(label, samples[index]),
                    any(word in column_key(label) for word in _LOWER_WORDS),
                )
            )
        elif len({s for s in samples[index] if not is_missing(s)}) > 1:
            # a status that never changes splits nothing; totals rows write "--"
            breakdowns.append(shown(label))
    return columns, breakdowns, currency


def _mark(table: Table, indexes: list[int]) -> str | None:
    cells = (_cell(cells, i) for _, cells in table.rows[:2000] for i in indexes)
    return decimal_mark(cells)


def _settle_fractions(table: Table, columns: list[_Column]) -> None:
    """Bing writes CTR either way: a bare CTR column is a fraction when it agrees better with
    clicks / impressions than with a hundred times that."""
    by_metric = {c.metric.name: c for c in columns}
    ctr = by_metric.get("search_ctr")
    clicks, shows = by_metric.get("search_clicks"), by_metric.get("search_impressions")
    if ctr is None or ctr.fractions is not None:
        return
    votes = 0
    for _, cells in table.rows[:SAMPLE_ROWS]:
        try:
            rate = parse_number(_cell(cells, ctr.index))
            hits = parse_number(_cell(cells, clicks.index)) if clicks else None
            seen = parse_number(_cell(cells, shows.index)) if shows else None
        except NotANumber:
            continue
        if rate and not rate[1] and hits and seen and seen[0] > 0:
            share = hits[0] / seen[0]
            votes += 1 if abs(rate[0] - share) < abs(rate[0] - 100 * share) else -1
        elif rate and not rate[1] and not (clicks and shows):
            votes += 1 if rate[0] <= 1 else -1
    ctr.fractions = votes > 0


def read_table(table: Table, source: Source, settings: Settings) -> TableRead:
    """The table's values by (metric, day, channel); KpiFileError when the table is no daily
    series (``usable`` False) or has cells that cannot be read (``usable`` True)."""
    keys = [column_key(h) for h in table.header]
    day_index, counted = day_column(table, keys, source)
    if not table.rows:
        raise KpiFileError(
            table.file,
            Refusal(N_("the table has column names but no rows")),
            Refusal(N_("Download the export again for a period that has data.")),
            line=table.header_line,
            where=table.where,
        )
    group = next((i for i, k in enumerate(keys) if k in source.group_labels), -1)
    read = TableRead(source)
    columns, breakdowns, currency = _plan(table, keys, source, settings, {day_index, group}, read)
    if not columns:
        names = ", ".join(u.column for u in read.unmapped) or Refusal(N_("none"))
        raise KpiFileError(
            table.file,
            Refusal(
                N_(
                    "no column of this %(tool)s table is a metric collab knows (columns with "
                    "numbers: %(columns)s)"
                ),
                tool=source.title,
                columns=names,
            ),
            Refusal(
                N_(
                    "Choose a metric for at least one of them (or add a metric of your own), "
                    "then import again."
                )
            ),
            line=table.header_line,
            where=table.where,
            unmapped=tuple(read.unmapped),
        )
    _settle_fractions(table, columns)
    added = _read_rows(table, source, settings, read, columns, day_index, counted, group, currency)
    if breakdowns and added:
        read.notes.append(
            Refusal(
                N_("%(file)s: rows of the same day (one per %(breakdowns)s) were added up."),
                file=table.file,
                breakdowns=", ".join(breakdowns),
            )
        )
    if read.unmapped:
        names = ", ".join(repr(u.column) for u in read.unmapped)
        read.skipped.append(not_chosen(table.file, names))
    return read


def _read_rows(table, source, settings, read, columns, day_index, counted, group, currency):
    mark = _mark(table, [c.index for c in columns])
    day_first = slashes_are_day_first(_cell(cells, day_index) for _, cells in table.rows)
    start = start_day(table) if counted else None
    latest = settings.today + dt.timedelta(days=1) if settings.today else None
    default_channel = settings.channel if settings.channel is not None else source.channel
    days: dict[str, dt.date | None] = {}
    groups: dict[str, tuple[str, bool]] = {}
    problems: dict[str, Refusal] = {}
    repeated: dict[str, int] = {}
    currencies: set[str] = set()
    totals = 0
    values = read.values
    for line, cells in table.rows:
        raw = _cell(cells, day_index)
        day = days.get(raw)
        if day is None and raw not in days:
            day = days[raw] = day_of(raw, day_first, start)
        if day is None:
            if names_a_period(raw):
                raise day_refusal(
                    table,
                    source,
                    Refusal(N_("%(cell)s is a period, not a day"), cell=repr(shown(raw, 40))),
                )
            if any(looks_like_total(cell) for cell in cells if cell):
                totals += 1
            elif raw.strip() or any(_cell(cells, c.index).strip() for c in columns):
                if counted:
                    expected = Refusal(N_('"Nth day" numbers (0000, 0001...)'))
                else:
                    expected = Refusal(N_("a day"))
                problems[f"{_where(table, line)}, {shown(table.header[day_index])}"] = Refusal(
                    N_("%(cell)s is not %(expected)s"), cell=repr(shown(raw, 30)), expected=expected
                )
            continue
        if latest is not None and day > latest:
            problems[_where(table, line)] = Refusal(
                N_("%(day)s is in the future"), day=day.isoformat()
            )
            continue
        channel = default_channel
        organic = False
        if group >= 0:
            name = _cell(cells, group)
            if name not in groups:
                groups[name] = (
                    grouped_channel(default_channel, name),
                    " ".join(name.split()).casefold() in source.organic,
                )
            channel, organic = groups[name]
        if currency >= 0 and _cell(cells, currency).strip():
            currencies.add(_cell(cells, currency).strip().upper())
        for column in columns:
            value = _value(_cell(cells, column.index), column, mark, problems, table, line)
            if value is None:
                continue
            metric = column.metric.name
            names = (metric, "organic_sessions") if organic and metric == "sessions" else (metric,)
            for name in names:
                key = (name, day, channel)
                if key in values:
                    repeated[name] = repeated.get(name, 0) + 1
                    values[key] += value
                else:
                    values[key] = value
    if problems:
        _refuse_rows(table, source, problems)
    added_up = _drop_unaddable(table, read, repeated, columns)
    _currency(table, read, currencies)
    if totals:
        read.notes.append(
            Refusal(
                N_("%(file)s: %(count)s totals row(s) left out."), file=table.file, count=totals
            )
        )
    return added_up


def _value(raw, column, mark, problems, table, line) -> float | None:
    metric = column.metric
    try:
        parsed = parse_number(raw, mark)
    except NotANumber as refused:
        seconds = parse_duration_seconds(raw) if metric.unit == "ms" else None
        if seconds is None:
            problems[f"{_where(table, line)}, {shown(column.label)}"] = Refusal(
                N_("%(cell)s: %(problem)s"), cell=repr(shown(raw, 30)), problem=refused
            )
            return None
        parsed = (seconds * 1000.0, False)
    if parsed is None:
        return None
    value, percent = parsed
    if metric.unit == "percent":
        if not percent and column.fractions:
            value *= 100.0
    elif percent:
        problems[f"{_where(table, line)}, {shown(column.label)}"] = Refusal(
            N_("a per cent sign, but %(metric)s is a %(unit)s"),
            metric=metric.name,
            unit=metric.unit,
        )
        return None
    if not math.isfinite(value) or (metric.non_negative and value < 0):
        problems[f"{_where(table, line)}, {shown(column.label)}"] = (
            Refusal(N_("not a finite number"))
            if not math.isfinite(value)
            else Refusal(N_("a negative %(metric)s"), metric=metric.name)
        )
        return None
    return value + 0.0  # -0.0 would come back out of the API as "-0.0"


def _refuse_rows(table: Table, source: Source, problems: dict[str, Refusal]) -> None:
    first_place, first_problem = next(iter(problems.items()))
    line = int(first_place.split(",")[0].split()[1])
    count = len(problems)
    problem = first_problem
    if count > 1:
        problem = Refusal(
            N_("%(problem)s; %(count)s more cells too"), problem=first_problem, count=count - 1
        )
    named = dict(list(problems.items())[:MAX_NAMED_PROBLEMS])
    raise KpiFileError(
        table.file,
        problem,
        Refusal(
            N_("Check the %(tool)s export: download it again without editing it in Excel."),
            tool=source.title,
        ),
        line=line,
        where=table.where,
        fields=named,
        usable=True,
    )


def _drop_unaddable(table, read, repeated, columns) -> bool:
    """A rate split by campaign or country cannot be added up; leave it out, saying why.
    True when counts or money were added up."""
    added_up = False
    for name in repeated:
        column = next((c for c in columns if c.metric.name == name), None)
        unit = column.metric.unit if column else "count"
        if unit in ADDITIVE_UNITS:
            added_up = True
            continue
        for key in [k for k in read.values if k[0] == name]:
            del read.values[key]
        label = shown(column.label) if column else name
        read.skipped.append(
            Refusal(
                N_(
                    "%(file)s: %(column)s has several rows per day and a %(unit)s cannot be "
                    "added up; not imported. Download the report without the extra breakdown "
                    "to import it."
                ),
                file=table.file,
                column=repr(label),
                unit=unit,
            )
        )
    return added_up


def _currency(table: Table, read: TableRead, currencies: set[str]) -> None:
    if len(currencies) > 1:
        raise KpiFileError(
            table.file,
            Refusal(
                N_("the report mixes currencies (%(codes)s)"),
                codes=", ".join(sorted(map(shown, currencies))),
            ),
            Refusal(N_("Download one account (one currency) at a time.")),
            line=table.header_line,
            where=table.where,
            usable=True,
        )
    read.currency = next(iter(currencies), None)
