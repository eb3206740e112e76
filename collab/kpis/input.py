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
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from collab.kpis.metrics import DEFAULT_METRICS, MetricDef

MAX_CHANNEL_LENGTH = 64


@dataclass(frozen=True)
class Observation:
    metric: str
    date: dt.date
    value: float
    # "" rather than None: the store's unique key (organisation, metric, date, channel) needs a
    # NOT NULL column, because NULLs never collide.
    channel: str = ""


class RowErrors(ValueError):
    """The batch was refused. ``fields`` maps every offending row (and column) to a reason."""

    def __init__(self, fields: Mapping[str, str], message: str | None = None):
        self.fields = dict(fields)
        if message is None:
            count = len(self.fields)
            noun = "problem" if count == 1 else "problems"
            message = f"{count} {noun} in the KPI data; nothing was imported"
        self.message = message
        super().__init__(message)

    def __reduce__(self):
        # The default would rebuild from args=(message,) and lose the fields (pickling happens
        # when a job's exception crosses a process boundary).
        return (type(self), (self.fields, self.message))


def validate_observations(
    items: list,
    today: dt.date,
    metrics: Mapping[str, MetricDef] = DEFAULT_METRICS,
    max_rows: int = 100_000,
) -> list[Observation]:
    """The ``observations`` list of a JSON body, as clean observations, or ``RowErrors``."""
    check = _Checks(today, metrics)
    if items is None:
        raise RowErrors({"observations": "required"})
    if not isinstance(items, list):
        raise RowErrors({"observations": "expected a list of observations"})
    if not items:
        raise RowErrors({"observations": "no observations"})
    if len(items) > max_rows:
        raise RowErrors({"observations": f"too many rows: {len(items)} (at most {max_rows})"})

    errors: dict[str, str] = {}
    seen: dict[tuple, str] = {}
    result: list[Observation] = []
    for index, item in enumerate(items):
        row = f"observations[{index}]"
        if not isinstance(item, dict):
            errors[row] = "expected an object with metric, date, value and channel"
            continue
        before = len(errors)
        # A misspelt "chanel" silently filed under "all channels" would corrupt the totals.
        for key in item:
            if key not in _JSON_FIELDS:
                errors[f"{row}.{key}"] = "unknown field (expected metric, date, value, channel)"

        metric, problem = check.metric(item.get("metric"))
        if problem:
            errors[f"{row}.metric"] = problem
        day, problem = check.date(item.get("date"), _JSON_DATE_FORMAT)
        if problem:
            errors[f"{row}.date"] = problem
        value, problem = _json_number(item.get("value"), metric)
        if problem:
            errors[f"{row}.value"] = problem
        channel, problem = check.channel(item.get("channel"))
        if problem:
            errors[f"{row}.channel"] = problem

        if metric is not None and day is not None and channel is not None:
            key = (metric.name, day, channel)
            first = seen.setdefault(key, row)
            if first != row:
                errors[row] = f"duplicate of {first}"
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
    check = _Checks(today, metrics)
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
                raise RowErrors({"file": f"too many rows: more than {max_rows}"})
            if len(cells) != layout.width:
                errors[f"line {line}"] = f"expected {layout.width} cells, found {len(cells)}"
                continue
            if layout.metric_column is None:
                _wide_row(cells, line, layout, check, delimiter, errors, seen, result)
            else:
                _long_row(cells, line, layout, check, delimiter, errors, seen, result)
    except csv.Error as exc:
        errors[f"line {last_line + 1}"] = f"not readable as CSV: {exc}"
        raise RowErrors(errors) from None

    if layout is None:
        raise RowErrors({"file": "empty file: expected a header line and data rows"})
    if rows == 0:
        raise RowErrors({"file": "no data rows after the header"})
    if errors:
        raise RowErrors(errors)
    return result


# --- shared checks -------------------------------------------------------------------------

_JSON_FIELDS = frozenset({"metric", "date", "value", "channel"})
_JSON_DATE_FORMAT = "expected a date as YYYY-MM-DD"
_CSV_DATE_FORMAT = "expected a date as YYYY-MM-DD or DD.MM.YYYY"
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Russian spreadsheets write dates this way; it cannot be confused with a month-first date.
_DOTTED_DATE = re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{4})")


class _Checks:
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
            return None, "required"
        if not isinstance(raw, str):
            return None, "expected a metric name"
        name = raw.strip().lower()
        if not name:
            return None, "required"
        metric = self.metrics.get(name)
        if metric is None:
            return None, f"unknown metric '{raw.strip()}' (known: {self.importable})"
        if metric.derived:
            return None, f"{name} is computed from other metrics, never imported"
        return metric, None

    def date(self, raw, wrong_format: str) -> tuple[dt.date | None, str | None]:
        if raw is None or raw == "":
            return None, "required"
        if not isinstance(raw, str):
            return None, wrong_format
        key = (raw, wrong_format)
        known = self._dates.get(key)
        if known is None:
            known = self._dates[key] = self._parse_date(raw.strip(), wrong_format)
        return known

    def _parse_date(self, text: str, wrong_format: str) -> tuple[dt.date | None, str | None]:
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = match.groups()
        elif wrong_format == _CSV_DATE_FORMAT and (match := _DOTTED_DATE.fullmatch(text)):
            day, month, year = match.groups()
        else:
            return None, wrong_format
        try:
            parsed = dt.date(int(year), int(month), int(day))
        except ValueError:
            return None, f"{text} is not a real date"
        # One day of slack: the sender's "today" may already be tomorrow in our zone.
        if parsed > self.latest:
            return None, f"{parsed.isoformat()} is more than a day in the future"
        return parsed, None

    def channel(self, raw) -> tuple[str | None, str | None]:
        if raw is None:
            return "", None
        if not isinstance(raw, str):
            return None, "expected a string"
        channel = raw.strip().lower()
        if len(channel) > MAX_CHANNEL_LENGTH:
            return None, f"longer than {MAX_CHANNEL_LENGTH} characters"
        if "\x00" in channel:  # PostgreSQL cannot store it in text: refused, not a 500
            return None, "contains a NUL character"
        return channel, None


def _checked_sign(value: float, metric: MetricDef | None) -> tuple[float | None, str | None]:
    if not math.isfinite(value):
        return None, "not a finite number"
    if metric is not None and (problem := metric.out_of_range(value)):
        return None, problem
    # Adding zero turns -0.0 into 0.0, which would otherwise come back out of the API as "-0.0".
    return value + 0.0, None


def _json_number(raw, metric: MetricDef | None) -> tuple[float | None, str | None]:
    if raw is None:
        return None, "required"
    # bool is an int in Python, but true/false in a KPI feed is a bug upstream, never a count.
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        if isinstance(raw, str) and _looks_numeric(raw):
            return None, "not a number: a string; send the number without quotes"
        return None, "not a number"
    try:
        value = float(raw)
    except OverflowError:
        return None, "not a finite number"
    return _checked_sign(value, metric)


def _looks_numeric(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


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


def _read_header(cells: list[str], check: _Checks) -> _Layout:
    names = [cell.strip().lstrip("\ufeff").lower() for cell in cells]
    problems = []
    for position, name in enumerate(names, start=1):
        if not name:
            problems.append(f"column {position} has no name")
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        problems.append("repeated column " + ", ".join(f"'{n}'" for n in repeated))
    if "date" not in names:
        problems.append("no 'date' column")

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
        noun = "column" if len(unknown) == 1 else "columns"
        problems.append(
            "expected date,metric,value[,channel] or date,<metric>,... ; "
            f"unknown {noun} {quoted} (known: {check.importable})"
        )
    if derived:
        problems.append(", ".join(derived) + " computed from other metrics, never imported")
    if not long_form and not metric_columns and not unknown and not derived:
        problems.append(
            "no metric columns: expected date,metric,value[,channel] or date,<metric>,..."
        )
    if problems:
        raise RowErrors({"header": "; ".join(problems)})

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
    day, problem = check.date(cells[layout.date_column], _CSV_DATE_FORMAT)
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
            errors[f"line {line}"] = f"duplicate of line {first}"
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
                problem = f"duplicate of line {first}" + (f"; also {problem}" if problem else "")
        if problem:
            errors[f"line {line}, {name}"] = problem
        elif day is not None and channel is not None:
            result.append(Observation(name, day, value, channel))


def _csv_number(text: str, metric: MetricDef | None, delimiter: str):
    text = text.strip()
    if not text:
        return None, "required"
    if _PLAIN_NUMBER.fullmatch(text):  # the common case, kept cheap for 100,000-row files
        return _checked_sign(float(text), metric)
    percent_sign = text.endswith("%")
    if percent_sign:
        text = text[:-1].rstrip()
    match = _NUMBER.fullmatch(text)
    if not match or not (match["int"] or match["frac"]):
        if "," in text and "." in text:
            return None, "not a number: use one decimal mark and spaces between thousands"
        return None, "not a number"
    if percent_sign and metric is not None and metric.unit != "percent":
        return None, f"a percent sign fits only percent metrics; {metric.name} is {metric.unit}"
    mark, frac = match["mark"], match["frac"] or ""
    # In a comma-separated file a comma inside a quoted number may be an English thousands
    # separator; reading "1,234" as 1.234 would silently shrink the figure a thousandfold.
    if mark == "," and delimiter == "," and len(frac) == 3 and match["int"]:
        return None, "not a number: is the comma a decimal mark or a thousands separator?"
    sign = "-" if match["sign"] in ("-", "\u2212") else ""
    whole = re.sub(r"\D", "", match["int"] or "0")
    exponent = f"e{match['exp']}" if match["exp"] else ""
    return _checked_sign(float(f"{sign}{whole}.{frac or '0'}{exponent}"), metric)
