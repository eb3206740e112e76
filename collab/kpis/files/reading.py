"""``read_kpi_file``: an export as the tool wrote it, in, daily observations out. Pure.

A file is a ZIP (of exports, or Search Console's own), a workbook, or text; text and sheets
hold one or more tables; each table is recognised on its own (``sources.recognise``) and read
as a daily series (``series`` or, for our own CSVs, ``own``). Whatever holds no daily series
(Search Console's list of queries, a PDF in the ZIP, GA4's table of countries) is listed in
``skipped`` with why; the file is refused only when nothing in it can be imported, and then
with what to do. A table whose rows cannot be read refuses the whole upload: all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from collab.kpis.files import archives, own
from collab.kpis.files.decoding import decode
from collab.kpis.files.results import KpiFile, KpiFileError, UnmappedColumn, column_key, shown
from collab.kpis.files.series import Key, Settings, TableRead, read_table
from collab.kpis.files.sources import OWN_CSV, recognise
from collab.kpis.files.tables import Table, split_tables, text_rows
from collab.kpis.input import Observation
from collab.kpis.metrics import DEFAULT_METRICS, MetricDef
from collab.kpis.row_checks import MAX_CHANNEL_LENGTH
from collab.platform.errors import N_, Refusal

SOURCES_WE_READ = Refusal(
    N_(
        "Search Console, GA4, Google Ads, Bing Webmaster Tools, Yandex Metrica, or collab's own "
        "CSV (date,metric,value)"
    )
)


@dataclass
class _Collected:
    values: dict[Key, float] = field(default_factory=dict)
    origin: dict[Key, str] = field(default_factory=dict)
    skipped: list[Refusal] = field(default_factory=list)
    notes: list[Refusal] = field(default_factory=list)
    unmapped: list[UnmappedColumn] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    currencies: dict[str, str] = field(default_factory=dict)  # code -> the file stating it

    def add(self, read: TableRead, label: str) -> None:
        conflicts = 0
        for key, value in read.values.items():
            known = self.values.get(key)
            if known is None:
                self.values[key] = value
                self.origin[key] = label
            elif known != value:
                conflicts += 1
        if conflicts:
            self.skipped.append(
                Refusal(
                    N_(
                        "%(file)s: %(count)s value(s) for days already read from another table "
                        "differ; the first ones were kept."
                    ),
                    file=label,
                    count=conflicts,
                )
            )
        self.skipped += read.skipped
        self.notes += read.notes
        self.unmapped += read.unmapped
        if read.source.name not in self.sources:
            self.sources.append(read.source.name)
        if read.currency:
            self.currencies.setdefault(read.currency, label)


def read_kpi_file(
    name: str,
    data: bytes,
    channel: str | None = None,
    mapping: Mapping[str, Mapping[str, str | None]] | None = None,
    *,
    metrics: Mapping[str, MetricDef] = DEFAULT_METRICS,
    today: dt.date | None = None,
) -> KpiFile:
    """Reads an export as its tool wrote it. ``channel`` replaces the source's own channel for
    rows that do not name theirs; ``mapping`` applies remembered choices, ``{source: {column:
    metric or None}}`` (None: ignore the column); ``metrics`` are the organisation's metrics
    (built-in and its own); with ``today``, days after tomorrow are refused. Raises
    KpiFileError, and nothing else, whatever the bytes."""
    file = shown(str(name).replace("\\", "/").rsplit("/", 1)[-1]) or "the file"
    settings = Settings(metrics, _clean_mapping(mapping), _clean_channel(channel, file), today)
    collected = _Collected()
    data = bytes(data)
    if archives.is_zip(data):
        archive = archives.open_zip(data, file)
        if archives.is_workbook(archive):
            _read_document(file, data, settings, collected)
        else:
            _read_archive(file, archive, settings, collected)
    else:
        _read_document(file, data, settings, collected)
    return _result(file, collected)


def _clean_channel(channel, file: str) -> str | None:
    if channel is None:
        return None
    if not isinstance(channel, str) or len(channel.strip()) > MAX_CHANNEL_LENGTH:
        raise KpiFileError(
            file,
            Refusal(
                N_("the channel given with the file is not a name of up to %(count)s characters"),
                count=MAX_CHANNEL_LENGTH,
            ),
            Refusal(N_("Choose a channel such as organic, paid_search or email.")),
        )
    return channel.strip().lower()


def _clean_mapping(mapping) -> dict[str, dict[str, str | None]]:
    if not isinstance(mapping, Mapping):
        return {}
    clean: dict[str, dict[str, str | None]] = {}
    for source, columns in mapping.items():
        if isinstance(source, str) and isinstance(columns, Mapping):
            clean[source] = {
                column_key(column): (target.strip().lower() if target else None)
                for column, target in columns.items()
                if isinstance(column, str) and (target is None or isinstance(target, str))
            }
    return clean


def _read_archive(file, archive, settings, collected) -> None:
    refusals: list[KpiFileError] = []
    for member, data in archives.members(archive, file):
        label = f"{file} › {shown(member.rsplit('/', 1)[-1], 80)}"
        try:
            if data is None:
                raise KpiFileError(
                    label,
                    Refusal(
                        N_("this file is password-protected or packed in a way that cannot be read")
                    ),
                    Refusal(N_("Make the ZIP again without a password.")),
                )
            if archives.is_zip(data) and not archives.is_workbook(archives.open_zip(data, label)):
                raise KpiFileError(
                    label,
                    Refusal(N_("a ZIP inside the ZIP is not opened")),
                    Refusal(N_("Upload it on its own.")),
                )
            _read_document(label, data, settings, collected)
        except KpiFileError as refusal:
            if refusal.usable:
                raise
            refusals.append(refusal)
            collected.skipped.append(_skipped(refusal))
            collected.unmapped += refusal.unmapped
    if not collected.values:
        reasons = {r.file: r.problem for r in refusals}
        if reasons:
            nothing = Refusal(
                N_("the ZIP holds nothing collab can import (%(count)s file(s) looked at)"),
                count=len(reasons),
            )
        else:
            nothing = Refusal(N_("the ZIP holds nothing collab can import: it is empty"))
        raise KpiFileError(
            file,
            nothing,
            Refusal(
                N_("Upload an export with a row per day from %(tools)s."), tools=SOURCES_WE_READ
            ),
            fields=reasons,
            unmapped=tuple(collected.unmapped),
        )


def _read_document(file: str, data: bytes, settings: Settings, collected: _Collected) -> None:
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise KpiFileError(
            file,
            Refusal(N_("the file is empty")),
            Refusal(N_("Download the export again and upload the new file.")),
        )
    if archives.is_zip(data):
        sheets = archives.workbook_sheets(data, file)
        tables = []
        for title, rows in sheets:
            label = file if len(sheets) == 1 else f"{file} › {shown(title, 40)}"
            tables += [(table, ",") for table in split_tables(rows, label, "row")]
    else:
        text, _encoding = decode(data, file)
        delimiter, rows = text_rows(text, file)
        tables = [(table, delimiter) for table in split_tables(rows, file, "line")]
    if not tables:
        raise KpiFileError(
            file,
            Refusal(N_("no table found in the file")),
            Refusal(N_("Upload the export as the tool wrote it, with its line of column names.")),
            expected=Refusal(N_("an export from %(tools)s"), tools=SOURCES_WE_READ),
        )
    _read_tables(file, tables, settings, collected)


def _read_tables(file, tables: list[tuple[Table, str]], settings, collected) -> None:
    refusals: list[KpiFileError] = []
    read_any = False
    for table, delimiter in tables:
        try:
            read = _read_one(table, delimiter, settings)
        except KpiFileError as refusal:
            if refusal.usable:
                raise
            refusals.append(refusal)
            continue
        label = (
            table.file if len(tables) == 1 else f"{table.file}, table at line {table.header_line}"
        )
        collected.add(read, label)
        read_any = read_any or bool(read.values)
    if not read_any:
        # Nothing here: the refusal that says most, the one offering mappings first.
        best = next((r for r in refusals if r.unmapped), refusals[0] if refusals else None)
        if best is None:
            raise KpiFileError(
                file,
                Refusal(N_("the file has column names but no rows of numbers")),
                Refusal(N_("Download the export again for a period that has data.")),
            )
        raise best
    for refusal in refusals:
        collected.skipped.append(_skipped(refusal))
        collected.unmapped += refusal.unmapped


def _skipped(refusal: KpiFileError) -> Refusal:
    return Refusal(N_("%(refusal)s; skipped."), refusal=refusal.short)


def _read_one(table: Table, delimiter: str, settings: Settings) -> TableRead:
    keys = [column_key(h) for h in table.header]
    day_cells = [row[1][0] for row in table.rows[:20] if row[1]]
    for index, key in enumerate(keys):
        if "date" in key or "дата" in key or key in ("day", "день"):
            day_cells = [r[1][index] for r in table.rows[:20] if index < len(r[1])]
            break
    firsts = [row[1][0] for row in table.rows[:3] if row[1]]
    source = recognise(keys, table.notes, firsts, day_cells)
    if source is OWN_CSV and own.is_own(table, settings):
        return own.read_own(table, delimiter, settings)
    return read_table(table, source, settings)


def _result(file: str, collected: _Collected) -> KpiFile:
    if len(collected.currencies) > 1:
        raise KpiFileError(
            file,
            Refusal(
                N_("the exports are in different currencies (%(codes)s)"),
                codes=", ".join(sorted(collected.currencies)),
            ),
            Refusal(N_("Upload the exports of one currency at a time.")),
            usable=True,
        )
    observations = tuple(
        Observation(metric, day, value, channel)
        for (metric, day, channel), value in sorted(collected.values.items())
    )
    sources = tuple(collected.sources)
    unmapped = {(u.source, u.key): u for u in collected.unmapped}
    return KpiFile(
        name=file,
        source=sources[0] if len(sources) == 1 else "mixed",
        observations=observations,
        skipped=tuple(dict.fromkeys(map(str, collected.skipped))),
        notes=tuple(dict.fromkeys(map(str, collected.notes))),
        unmapped=tuple(unmapped.values()),
        currency=next(iter(collected.currencies), None),
        sources=sources,
        phrases={str(line): line for line in collected.skipped + collected.notes},
    )
