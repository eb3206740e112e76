"""Our own CSVs (date,metric,value[,channel] rows, or date and a column per metric), read by
``collab.kpis.input.parse_csv`` so a file uploaded here gets exactly the upload form's rules.
Pure.

What this adds in front of it is what the tools' exports get too: a column (or, in the long
form, a metric name) that no metric takes is left out and offered a mapping rather than
refusing the file, a remembered choice renames it, and ``channel`` fills the rows that name
none. The rows handed on keep their line numbers, so input's refusals point at the lines the
person sees.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from collab.kpis.files.results import (
    KpiFileError,
    UnmappedColumn,
    column_key,
    not_chosen,
    shown,
)
from collab.kpis.files.series import Settings, TableRead
from collab.kpis.files.sources import OWN_CSV
from collab.kpis.files.tables import Table
from collab.kpis.input import RowErrors, parse_csv
from collab.platform.errors import N_, Refusal

MAX_ROWS = 2_000_000
# input.parse_csv refuses days after its "today"; without one, no day is too late.
_NO_LIMIT = dt.date.max - dt.timedelta(days=1)
_LINE = re.compile(r"line ([0-9]+)")


def is_own(table: Table, settings: Settings) -> bool:
    """A header of ours: "date" and either metric,value or at least one metric name."""
    keys = {column_key(h) for h in table.header}
    chosen = {column_key(k) for k in settings.mapping.get(OWN_CSV.name, {})}
    return "date" in keys and (
        {"metric", "value"} <= keys or bool(keys & (set(settings.metrics) | chosen))
    )


def read_own(table: Table, delimiter: str, settings: Settings) -> TableRead:
    read = TableRead(OWN_CSV)
    keys = [column_key(h) for h in table.header]
    chosen = {column_key(k): v for k, v in settings.mapping.get(OWN_CSV.name, {}).items()}
    if {"metric", "value"} <= set(keys):
        header, rows = _long(table, keys, chosen, settings, read)
    else:
        header, rows = _wide(table, keys, chosen, settings, read)
    if settings.channel is not None:
        header, rows = _with_channel(header, rows, settings.channel)
    text = _as_text(table, header, rows, delimiter)
    try:
        observations = parse_csv(
            text, settings.today or _NO_LIMIT, settings.metrics, max_rows=MAX_ROWS
        )
    except RowErrors as refused:
        raise _refusal(table, refused) from None
    for item in observations:
        read.values[(item.metric, item.date, item.channel)] = item.value
    if read.unmapped:
        names = ", ".join(repr(u.column) for u in read.unmapped)
        read.skipped.append(not_chosen(table.file, names))
    return read


def _target(key: str, chosen: dict, settings: Settings) -> tuple[str | None, str]:
    """(metric, why not) for a column or a long-form metric name."""
    name = chosen.get(key, key)
    if key in chosen and name is None:
        return None, N_("ignored, as chosen")
    metric = settings.metrics.get(name) if name else None
    if metric is None:
        return None, "unknown"
    if metric.derived:
        return None, N_("computed by collab from other metrics, never imported")
    return metric.name, ""


def _nothing(table: Table, read: TableRead, what: str) -> KpiFileError:
    names = ", ".join(u.column for u in read.unmapped) or Refusal(N_("none"))
    if what == "column":
        nothing = N_("no column of this file is a metric collab knows (%(names)s)")
    else:
        nothing = N_("no metric of this file is a metric collab knows (%(names)s)")
    return KpiFileError(
        table.file,
        Refusal(nothing, names=names),
        Refusal(
            N_(
                "Choose a metric for at least one of them (or add a metric of your own), "
                "then import again."
            )
        ),
        line=table.header_line,
        unmapped=tuple(read.unmapped),
    )


def _wide(table, keys, chosen, settings, read):
    keep, header = [], []
    for index, key in enumerate(keys):
        if key in ("date", "channel"):
            keep.append(index)
            header.append(key)
            continue
        name, why = _target(key, chosen, settings)
        label = shown(table.header[index])
        if name is not None:
            keep.append(index)
            header.append(name)
        elif why == "unknown":
            samples = [r[1][index] for r in table.rows[:200] if index < len(r[1])]
            samples = [s.strip() for s in samples if s.strip()]
            read.unmapped.append(
                UnmappedColumn(OWN_CSV.name, label, table.file, tuple(samples[:3]), "count")
            )
        else:
            read.skipped.append(
                Refusal(
                    N_("%(file)s: column %(column)s %(why)s."),
                    file=table.file,
                    column=repr(label),
                    why=Refusal(why),
                )
            )
    if not any(h not in ("date", "channel") for h in header):
        raise _nothing(table, read, "column")
    rows = [
        (line, [cells[i] if i < len(cells) else "" for i in keep]) for line, cells in table.rows
    ]
    return header, rows


def _long(table, keys, chosen, settings, read):
    metric_at = keys.index("metric")
    value_at = keys.index("value")
    refused: dict[str, list[str]] = {}
    targets: dict[str, tuple[str | None, str]] = {}  # a file repeats each metric name often
    rows = []
    for line, cells in table.rows:
        written = cells[metric_at] if metric_at < len(cells) else ""
        target = targets.get(written)
        if target is None:
            raw = written.strip()
            target = _target(column_key(raw), chosen, settings) if raw else (raw, "")
            targets[written] = target
        name, why = target
        if name is None:
            examples = refused.setdefault(written.strip(), [why])
            if len(examples) < 4 and value_at < len(cells):
                examples.append(cells[value_at].strip())
            continue
        if metric_at < len(cells) and name != written:
            cells = cells.copy()
            cells[metric_at] = name
        rows.append((line, cells))
    for raw, (why, *examples) in refused.items():
        if why == "unknown":
            read.unmapped.append(
                UnmappedColumn(OWN_CSV.name, shown(raw), table.file, tuple(examples), "count")
            )
        else:
            read.skipped.append(
                Refusal(
                    N_("%(file)s: metric %(metric)s %(why)s."),
                    file=table.file,
                    metric=repr(shown(raw)),
                    why=Refusal(why),
                )
            )
    if not rows:
        raise _nothing(table, read, "metric")
    return list(keys), rows


def _with_channel(header, rows, channel):
    if "channel" not in header:
        return header + ["channel"], [(line, cells + [channel]) for line, cells in rows]
    at = header.index("channel")
    filled = [
        (line, [channel if i == at and not c.strip() else c for i, c in enumerate(cells)])
        for line, cells in rows
    ]
    return header, filled


def _as_text(table: Table, header: list[str], rows, delimiter: str) -> str:
    # Every row goes back on its own line number (blank lines in between are skipped by
    # parse_csv), so "line 12" in a refusal is line 12 of the file that was uploaded.
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter if delimiter != "\t" else ";", lineterminator="\n")
    lines = 1
    for target, cells in [(table.header_line, header), *rows]:
        out.write("\n" * max(target - lines, 0))
        lines = max(target, lines)
        writer.writerow(cells)
        lines += 1
    return out.getvalue()


def _refusal(table: Table, refused: RowErrors) -> KpiFileError:
    fields = dict(refused.phrases)
    first_place, first_problem = next(iter(fields.items()))
    found = _LINE.search(first_place)
    line = int(found.group(1)) if found else table.header_line
    problem: str | Refusal = first_problem
    if len(fields) > 1:
        problem = Refusal(
            N_("%(problem)s; %(count)s more problems too"), problem=problem, count=len(fields) - 1
        )
    return KpiFileError(
        table.file,
        problem,
        Refusal(N_("Fix these lines and upload the file again.")),
        line=line,
        fields=dict(list(fields.items())[:20]),
        usable=True,
    )
