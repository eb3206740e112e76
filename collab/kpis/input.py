"""KPI observations coming in: the JSON API's batch and CSV uploads, checked all or nothing.

Pure (stdlib only, no Flask, no database) so the API, the upload form, the CLI and the tests get
the same answers. Every function here either returns a complete list of clean ``Observation``s or
raises ``RowErrors`` naming every offending row at once: a marketer fixing an export in Excel
should see all of its problems in one round trip, and the caller writes nothing unless the whole
batch is clean.

Row names follow the public API: ``observations[3].value`` for JSON (the 0-based index into the
list that was sent), ``line 4, value`` for CSV (1-based physical file lines; the header is line 1
and a quoted value spanning lines is named by the line it starts on).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass

from collab.kpis.metrics import DEFAULT_METRICS, MetricDef
from collab.kpis.row_checks import (
    CSV_DATE_FORMAT,
    JSON_DATE_FORMAT,
    JSON_FIELDS,
    Checks,
    checked_sign,
    joined,
    json_number,
)
from collab.platform.errors import N_, Refusal, said


@dataclass(frozen=True)
class Observation:
    metric: str
    date: dt.date
    value: float
    # "" rather than None: the store's unique key (organisation, metric, date, channel) needs a
    # NOT NULL column, because NULLs never collide.
    channel: str = ""


class RowErrors(ValueError):
    """The batch was refused. ``fields`` maps every offending row (and column) to a reason,
    in English; ``phrases`` holds the same reasons as phrases (Refusal) and ``said()`` /
    ``fields_said()`` word them in the reader's language."""

    def __init__(self, fields: Mapping[str, str | Refusal], message: str | None = None):
        self.phrases = dict(fields)
        self.fields = {key: str(words) for key, words in self.phrases.items()}
        self.phrase = message
        if message is None:
            count = len(self.fields)
            if count == 1:
                self.phrase = Refusal(N_("1 problem in the KPI data; nothing was imported"))
            else:
                self.phrase = Refusal(
                    N_("%(count)s problems in the KPI data; nothing was imported"), count=count
                )
        self.message = str(self.phrase)
        super().__init__(self.message)

    def said(self) -> str:
        return str(said(self.phrase))

    def fields_said(self) -> dict[str, str]:
        return {key: str(said(words)) for key, words in self.phrases.items()}

    def __reduce__(self):
        # The default would rebuild from args=(message,) and lose the fields (pickling happens
        # when a job's exception crosses a process boundary).
        return (type(self), (self.phrases, self.phrase))


def validate_observations(
    items: list,
    today: dt.date,
    metrics: Mapping[str, MetricDef] = DEFAULT_METRICS,
    max_rows: int = 100_000,
) -> list[Observation]:
    """The ``observations`` list of a JSON body, as clean observations, or ``RowErrors``."""
    check = Checks(today, metrics)
    if items is None:
        raise RowErrors({"observations": Refusal(N_("required"))})
    if not isinstance(items, list):
        raise RowErrors({"observations": Refusal(N_("expected a list of observations"))})
    if not items:
        raise RowErrors({"observations": Refusal(N_("no observations"))})
    if len(items) > max_rows:
        raise RowErrors(
            {
                "observations": Refusal(
                    N_("too many rows: %(count)s (at most %(most)s)"),
                    count=len(items),
                    most=max_rows,
                )
            }
        )

    errors: dict[str, str] = {}
    seen: dict[tuple, str] = {}
    result: list[Observation] = []
    for index, item in enumerate(items):
        row = f"observations[{index}]"
        if not isinstance(item, dict):
            errors[row] = Refusal(N_("expected an object with metric, date, value and channel"))
            continue
        before = len(errors)
        # A misspelt "chanel" silently filed under "all channels" would corrupt the totals.
        for key in item:
            if key not in JSON_FIELDS:
                errors[f"{row}.{key}"] = Refusal(
                    N_("unknown field (expected metric, date, value, channel)")
                )

        metric, problem = check.metric(item.get("metric"))
        if problem:
            errors[f"{row}.metric"] = problem
        day, problem = check.date(item.get("date"), JSON_DATE_FORMAT)
        if problem:
            errors[f"{row}.date"] = problem
        value, problem = json_number(item.get("value"), metric)
        if problem:
            errors[f"{row}.value"] = problem
        channel, problem = check.channel(item.get("channel"))
        if problem:
            errors[f"{row}.channel"] = problem

        if metric is not None and day is not None and channel is not None:
            key = (metric.name, day, channel)
            first = seen.setdefault(key, row)
            if first != row:
                errors[row] = Refusal(N_("duplicate of %(first)s"), first=first)
        if len(errors) == before:
            result.append(Observation(metric.name, day, value, channel))
    if errors:
        raise RowErrors(errors)
    return result


def parse_csv(
    text: str,
    today: dt.date,
    metrics: Mapping[str, MetricDef] = DEFAULT_METRICS,
    max_rows: int = 100_000,
) -> list[Observation]:
    """A CSV upload (already decoded to text), long or wide, as clean observations."""
    check = Checks(today, metrics)
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = _sniff_delimiter(text)
    # newline="" hands line endings to the csv module, which then keeps quoted newlines intact.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    errors: dict[str, str] = {}
    seen: dict[tuple, int] = {}
    result: list[Observation] = []
    layout: _Layout | None = None
    rows = 0
    last_line = 0
    try:
        for cells in reader:
            line = last_line + 1
            last_line = reader.line_num
            # Spreadsheets pad exports with blank lines and rows of bare delimiters.
            if not "".join(cells).strip():
                continue
            if layout is None:
                layout = _read_header(cells, check)
                continue
            rows += 1
            if rows > max_rows:
                raise RowErrors(
                    {"file": Refusal(N_("too many rows: more than %(most)s"), most=max_rows)}
                )
            if len(cells) != layout.width:
                errors[f"line {line}"] = Refusal(
                    N_("expected %(width)s cells, found %(count)s"),
                    width=layout.width,
                    count=len(cells),
                )
                continue
            if layout.metric_column is None:
                _wide_row(cells, line, layout, check, delimiter, errors, seen, result)
            else:
                _long_row(cells, line, layout, check, delimiter, errors, seen, result)
    except csv.Error as exc:
        errors[f"line {last_line + 1}"] = Refusal(
            N_("not readable as CSV: %(error)s"), error=str(exc)
        )
        raise RowErrors(errors) from None

    if layout is None:
        raise RowErrors({"file": Refusal(N_("empty file: expected a header line and data rows"))})
    if rows == 0:
        raise RowErrors({"file": Refusal(N_("no data rows after the header"))})
    if errors:
        raise RowErrors(errors)
    return result


# --- CSV -----------------------------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# Spaces (also the no-break and thin spaces spreadsheets use) group thousands; "." or "," is the
# decimal mark; "−" is the minus sign typographic exports write.
_NUMBER = re.compile(
    r"""
    (?P<sign>[-+\u2212])?
    (?P<int>[0-9]{1,3}(?:[ \u00a0\u2009\u202f][0-9]{3})+|[0-9]+)?
    (?:(?P<mark>[.,])(?P<frac>[0-9]*))?
    (?:[eE](?P<exp>[-+]?[0-9]+))?
    """,
    re.VERBOSE | re.ASCII,
)


@dataclass(frozen=True)
class _Layout:
    width: int
    date_column: int
    channel_column: int | None
    metric_column: int | None  # long form only
    value_column: int | None  # long form only
    metric_columns: tuple[tuple[int, str, MetricDef], ...]  # wide form only


def _sniff_delimiter(text: str) -> str:
    # Only the header decides: data cells may hold decimal commas, header names never do.
    for line in io.StringIO(text):
        if line.strip():
            return ";" if line.count(";") > line.count(",") else ","
    return ","


def _read_header(cells: list[str], check: Checks) -> _Layout:
    names = [cell.strip().lstrip("\ufeff").lower() for cell in cells]
    problems = []
    for position, name in enumerate(names, start=1):
        if not name:
            problems.append(Refusal(N_("column %(position)s has no name"), position=position))
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        problems.append(
            Refusal(N_("repeated column %(names)s"), names=", ".join(f"'{n}'" for n in repeated))
        )
    if "date" not in names:
        problems.append(Refusal(N_("no 'date' column")))

    long_form = "metric" in names and "value" in names
    allowed = {"date", "channel"} | ({"metric", "value"} if long_form else set())
    unknown, derived, metric_columns = [], [], []
    for position, name in enumerate(names):
        if not name or name in allowed:
            continue
        metric = check.metrics.get(name)
        if metric is None or long_form:
            unknown.append(name)
        elif metric.derived:
            derived.append(name)
        else:
            metric_columns.append((position, name, metric))
    if unknown:
        quoted = ", ".join(f"'{n}'" for n in unknown)
        if len(unknown) == 1:
            strange = N_(
                "expected date,metric,value[,channel] or date,<metric>,... ; "
                "unknown column %(names)s (known: %(known)s)"
            )
        else:
            strange = N_(
                "expected date,metric,value[,channel] or date,<metric>,... ; "
                "unknown columns %(names)s (known: %(known)s)"
            )
        problems.append(Refusal(strange, names=quoted, known=check.importable))
    if derived:
        problems.append(
            Refusal(
                N_("%(names)s computed from other metrics, never imported"),
                names=", ".join(derived),
            )
        )
    if not long_form and not metric_columns and not unknown and not derived:
        problems.append(
            Refusal(
                N_("no metric columns: expected date,metric,value[,channel] or date,<metric>,...")
            )
        )
    if problems:
        raise RowErrors({"header": joined(problems)})

    def where(name: str) -> int | None:
        return names.index(name) if name in names else None

    return _Layout(
        width=len(names),
        date_column=names.index("date"),
        channel_column=where("channel"),
        metric_column=where("metric") if long_form else None,
        value_column=where("value") if long_form else None,
        metric_columns=tuple(metric_columns),
    )


def _row_key(cells, line, layout, check, errors):
    day, problem = check.date(cells[layout.date_column], CSV_DATE_FORMAT)
    if problem:
        errors[f"line {line}, date"] = problem
    channel = ""
    if layout.channel_column is not None:
        channel, problem = check.channel(cells[layout.channel_column])
        if problem:
            errors[f"line {line}, channel"] = problem
    return day, channel


def _long_row(cells, line, layout, check, delimiter, errors, seen, result):
    before = len(errors)
    day, channel = _row_key(cells, line, layout, check, errors)
    metric, problem = check.metric(cells[layout.metric_column])
    if problem:
        errors[f"line {line}, metric"] = problem
    value, problem = _csv_number(cells[layout.value_column], metric, delimiter)
    if problem:
        errors[f"line {line}, value"] = problem
    if metric is not None and day is not None and channel is not None:
        first = seen.setdefault((metric.name, day, channel), line)
        if first != line:
            errors[f"line {line}"] = Refusal(N_("duplicate of line %(first)s"), first=first)
    if len(errors) == before:
        result.append(Observation(metric.name, day, value, channel))


def _wide_row(cells, line, layout, check, delimiter, errors, seen, result):
    day, channel = _row_key(cells, line, layout, check, errors)
    for position, name, metric in layout.metric_columns:
        text = cells[position]
        if not text.strip():
            continue  # a day this metric was not measured
        value, problem = _csv_number(text, metric, delimiter)
        if day is not None and channel is not None:
            first = seen.setdefault((name, day, channel), line)
            if first != line:
                # Both reasons matter to whoever fixes the file; the repeat is the bigger one.
                repeat = Refusal(N_("duplicate of line %(first)s"), first=first)
                if problem:
                    repeat = Refusal(
                        N_("%(repeat)s; also %(problem)s"), repeat=repeat, problem=problem
                    )
                problem = repeat
        if problem:
            errors[f"line {line}, {name}"] = problem
        elif day is not None and channel is not None:
            result.append(Observation(name, day, value, channel))


def _csv_number(text: str, metric: MetricDef | None, delimiter: str):
    text = text.strip()
    if not text:
        return None, Refusal(N_("required"))
    if _PLAIN_NUMBER.fullmatch(text):  # the common case, kept cheap for 100,000-row files
        return checked_sign(float(text), metric)
    percent_sign = text.endswith("%")
    if percent_sign:
        text = text[:-1].rstrip()
    match = _NUMBER.fullmatch(text)
    if not match or not (match["int"] or match["frac"]):
        if "," in text and "." in text:
            return None, Refusal(
                N_("not a number: use one decimal mark and spaces between thousands")
            )
        return None, Refusal(N_("not a number"))
    if percent_sign and metric is not None and metric.unit != "percent":
        return None, Refusal(
            N_("a percent sign fits only percent metrics; %(metric)s is %(unit)s"),
            metric=metric.name,
            unit=metric.unit,
        )
    mark, frac = match["mark"], match["frac"] or ""
    # In a comma-separated file a comma inside a quoted number may be an English thousands
    # separator; reading "1,234" as 1.234 would silently shrink the figure a thousandfold.
    if mark == "," and delimiter == "," and len(frac) == 3 and match["int"]:
        return None, Refusal(
            N_("not a number: is the comma a decimal mark or a thousands separator?")
        )
    sign = "-" if match["sign"] in ("-", "\u2212") else ""
    whole = re.sub(r"\D", "", match["int"] or "0")
    exponent = f"e{match['exp']}" if match["exp"] else ""
    return checked_sign(float(f"{sign}{whole}.{frac or '0'}{exponent}"), metric)
