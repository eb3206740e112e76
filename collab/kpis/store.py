"""The KPI store: metric definitions, daily observations in (upserted), daily totals out.

Observations are keyed by (organisation, metric, day, channel); channel ``''`` is the figure
for all channels together. An organisation-wide daily total is that all-channels figure when
one was recorded, otherwise the sum over the channels: a file of totals and a file of
per-channel rows for the same days never double count.

Derived metrics are computed from the daily totals, never stored:
``cost_per_lead = (spend + staff_cost) / leads`` and
``romi = (revenue - spend - staff_cost) / (spend + staff_cost)``. A missing cost component of a
day counts as zero when the other one is there (many channels have a budget and no staff
cost, or the reverse); with neither, or no leads (no revenue), the day has no value.
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from sqlalchemy import case, func, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from collab.kpis import input as kpi_input
from collab.kpis.input import Observation, RowErrors
from collab.kpis.metrics import DEFAULT_METRICS, MetricDef
from collab.models import Membership, Organization
from collab.models.kpis import KpiMetric, KpiObservation
from collab.platform.clock import local_today, utcnow
from collab.platform.errors import Conflict, ValidationFailed
from collab.platform.extensions import db

# What each derived metric is computed from.
DERIVED_INPUTS: dict[str, tuple[str, ...]] = {
    "cost_per_lead": ("spend", "staff_cost", "leads"),
    "romi": ("revenue", "spend", "staff_cost"),
}
UNITS = ("count", "money", "percent", "ms", "ratio")
WRITE_CHUNK = 5_000
MAX_LIMIT = 200
_METRIC_NAME = re.compile(r"[a-z][a-z0-9_]{1,63}")

Progress = Callable[[int, int], None]


# --- definitions ---------------------------------------------------------------------------


def metric_definitions(org: Organization | int) -> dict[str, MetricDef]:
    """The built-in metrics, then the organisation's own, by name."""
    org_id = org if isinstance(org, int) else org.id
    found = dict(DEFAULT_METRICS)
    for row in db.session.scalars(
        select(KpiMetric).where(KpiMetric.organization_id == org_id).order_by(KpiMetric.name)
    ):
        found[row.name] = MetricDef(row.name, row.unit, lower_is_better=row.lower_is_better)
    return found


def define_metric(
    actor: Membership, org: Organization, name: str, unit: str, lower_is_better: bool
) -> KpiMetric:
    """Adds a metric of the organisation's own (e.g. ``demo_requests``)."""
    errors = {}
    name = (name or "").strip().lower()
    if not _METRIC_NAME.fullmatch(name):
        errors["name"] = "2-64 characters: lower-case letters, digits and _, starting with a letter"
    elif name in metric_definitions(org):
        errors["name"] = f"{name} already exists"
    if unit not in UNITS:
        errors["unit"] = "one of " + ", ".join(UNITS)
    if errors:
        raise ValidationFailed("the metric was not added", errors)
    metric = KpiMetric(
        organization_id=org.id,
        name=name,
        unit=unit,
        lower_is_better=bool(lower_is_better),
        created_by_id=actor.user_id,
    )
    db.session.add(metric)
    db.session.flush()
    return metric


# --- getting observations in ---------------------------------------------------------------


def _refused(error: RowErrors) -> ValidationFailed:
    return ValidationFailed(error.message, error.fields)


def validate_json(org: Organization, items) -> list[Observation]:
    """The ``observations`` of an API body, checked all or nothing (ValidationFailed)."""
    try:
        return kpi_input.validate_observations(
            items, local_today(org.timezone), metric_definitions(org)
        )
    except RowErrors as error:
        raise _refused(error) from None


def parse_upload(org: Organization, text: str) -> list[Observation]:
    """A CSV upload (long or wide form), checked all or nothing (ValidationFailed)."""
    try:
        return parse_upload_rows(org, text)
    except RowErrors as error:
        raise _refused(error) from None


def _existing(org_id: int, observations: Sequence[Observation]) -> dict[tuple, tuple]:
    """(metric, day, channel) -> (id, value) of what is stored in the batch's date range."""
    first = min(o.date for o in observations)
    last = max(o.date for o in observations)
    found: dict[tuple, tuple] = {}
    for metric in sorted({o.metric for o in observations}):
        rows = db.session.execute(
            select(
                KpiObservation.id, KpiObservation.day, KpiObservation.channel, KpiObservation.value
            ).where(
                KpiObservation.organization_id == org_id,
                KpiObservation.metric == metric,
                KpiObservation.day.between(first, last),
            )
        )
        for row_id, day, channel, value in rows:
            found[(metric, day, channel)] = (row_id, value)
    return found


def _classify(org_id: int, observations: Sequence[Observation]):
    existing = _existing(org_id, observations) if observations else {}
    new, changed, unchanged = [], [], 0
    for o in observations:
        known = existing.get((o.metric, o.date, o.channel))
        if known is None:
            new.append(o)
        elif known[1] != o.value:
            changed.append((known[0], o.value))
        else:
            unchanged += 1
    return new, changed, unchanged


def plan_kpis(org: Organization, observations: Sequence[Observation]) -> dict:
    """What record_kpis would do, without writing: {inserted, updated, unchanged}."""
    new, changed, unchanged = _classify(org.id, observations)
    return {"inserted": len(new), "updated": len(changed), "unchanged": unchanged}


def record_kpis(
    org: Organization, observations: Sequence[Observation], progress: Progress | None = None
) -> dict:
    """Upserts clean observations by (organisation, metric, day, channel).

    Returns {inserted, updated, unchanged}; the same batch twice inserts nothing the second
    time. Writes in the caller's transaction (the caller commits); ``progress(done, total)``
    is told after every chunk. A concurrent import that wrote the same new keys first makes
    this one raise Conflict, so nothing is half-written."""
    total = len(observations)
    new, changed, unchanged = _classify(org.id, observations)
    done = unchanged
    now = utcnow()
    try:
        for start in range(0, len(new), WRITE_CHUNK):
            chunk = new[start : start + WRITE_CHUNK]
            db.session.execute(
                insert(KpiObservation),
                [
                    {
                        "organization_id": org.id,
                        "metric": o.metric,
                        "day": o.date,
                        "channel": o.channel,
                        "value": o.value,
                        "updated_at": now,
                    }
                    for o in chunk
                ],
            )
            done += len(chunk)
            if progress:
                progress(done, total)
        for start in range(0, len(changed), WRITE_CHUNK):
            chunk = changed[start : start + WRITE_CHUNK]
            db.session.execute(
                update(KpiObservation),
                [{"id": row_id, "value": value, "updated_at": now} for row_id, value in chunk],
            )
            done += len(chunk)
            if progress:
                progress(done, total)
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            "another import wrote some of the same days at the same time; nothing was "
            "imported, please send it again"
        ) from exc
    if progress and not new and not changed:
        progress(total, total)
    if new or changed:
        # Measured again by a worker; written with the data, so it cannot be forgotten.
        from collab.platform.queue import later

        later("workers.kpi_jobs.measure_org", org.id)
    return {"inserted": len(new), "updated": len(changed), "unchanged": unchanged}


def record_json(org: Organization, items) -> dict:
    """The API's POST: validate every row, then upsert them all (or raise, writing nothing)."""
    return record_kpis(org, validate_json(org, items))


def import_csv(org: Organization, text: str, progress: Progress | None = None) -> dict:
    """A CSV file: validate every line, then upsert them all (or raise, writing nothing)."""
    return record_kpis(org, parse_upload(org, text), progress)


# --- reading -------------------------------------------------------------------------------


def encode_cursor(key: tuple[str, dt.date, str]) -> str:
    raw = json.dumps({"m": key[0], "d": key[1].isoformat(), "c": key[2]})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, dt.date, str]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return str(data["m"]), dt.date.fromisoformat(data["d"]), str(data["c"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise ValidationFailed(
            "bad paging parameters", {"cursor": "not a cursor this API gave"}
        ) from None


def _parse_day(raw: str | None, field: str, errors: dict) -> dt.date | None:
    if raw in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[field] = "a date as YYYY-MM-DD"
        return None


def query_kpis(
    org: Organization,
    metric: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    channel: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = 50,
) -> tuple[list[dict], str | None]:
    """Observations in (metric, date, channel) order, one page; derived metrics computed.

    Returns the items ({metric, date, value, channel}; channel null for all channels) and the
    cursor of the next page (None at the end)."""
    errors: dict[str, str] = {}
    definitions = metric_definitions(org)
    metric = (metric or "").strip().lower() or None
    if metric is not None and metric not in definitions:
        errors["metric"] = "unknown metric; one of " + ", ".join(definitions)
    first = _parse_day(date_from, "from", errors)
    last = _parse_day(date_to, "to", errors)
    if first and last and first > last:
        errors["to"] = "on or after from"
    try:
        size = int(limit if limit not in (None, "") else 50)
        if not 1 <= size <= MAX_LIMIT:
            raise ValueError
    except ValueError:
        errors["limit"] = f"a whole number from 1 to {MAX_LIMIT}"
        size = 50
    after = decode_cursor(cursor) if cursor else None
    if errors:
        raise ValidationFailed("bad query parameters", errors)
    channel = (channel or "").strip().lower() or None

    if metric is not None and definitions[metric].derived:
        rows = _derived_rows(org, metric, first, last, channel)
        if after is not None:
            rows = [r for r in rows if (r[0], r[1], r[2]) > after]
        page = rows[: size + 1]
    else:
        query = select(
            KpiObservation.metric, KpiObservation.day, KpiObservation.channel, KpiObservation.value
        ).where(KpiObservation.organization_id == org.id)
        if metric is not None:
            query = query.where(KpiObservation.metric == metric)
        if first is not None:
            query = query.where(KpiObservation.day >= first)
        if last is not None:
            query = query.where(KpiObservation.day <= last)
        if channel is not None:
            query = query.where(KpiObservation.channel == channel)
        if after is not None:
            query = query.where(
                tuple_(KpiObservation.metric, KpiObservation.day, KpiObservation.channel)
                > tuple_(*after)
            )
        query = query.order_by(
            KpiObservation.metric, KpiObservation.day, KpiObservation.channel
        ).limit(size + 1)
        page = [tuple(row) for row in db.session.execute(query)]
    more = len(page) > size
    page = page[:size]
    items = [
        {"metric": m, "date": d.isoformat(), "value": v, "channel": c or None}
        for m, d, c, v in page
    ]
    next_cursor = encode_cursor(page[-1][:3]) if more else None
    return items, next_cursor


def _derived_rows(org, metric, first, last, channel) -> list[tuple]:
    inputs = DERIVED_INPUTS[metric]
    bounds = db.session.execute(
        select(func.min(KpiObservation.day), func.max(KpiObservation.day)).where(
            KpiObservation.organization_id == org.id, KpiObservation.metric.in_(inputs)
        )
    ).one()
    if bounds[0] is None:
        return []
    first = max(first or bounds[0], bounds[0])
    last = min(last or bounds[1], bounds[1])
    if first > last:
        return []
    if channel is None:
        values = daily_totals(org.id, [metric], first, last)[metric]
    else:
        values = channel_series(org.id, [metric], first, last).get(channel, {}).get(metric)
        if values is None:
            return []
    return [
        (metric, first + dt.timedelta(days=int(i)), channel or "", float(values[i]))
        for i in np.flatnonzero(~np.isnan(values))
    ]


def base_metrics(metrics: Iterable[str]) -> list[str]:
    """The stored metrics the given ones need (derived ones replaced by their inputs)."""
    needed: list[str] = []
    for metric in metrics:
        for name in DERIVED_INPUTS.get(metric, (metric,)):
            if name not in needed:
                needed.append(name)
    return needed


def _empty(first: dt.date, last: dt.date) -> np.ndarray:
    return np.full((last - first).days + 1, np.nan)


def daily_totals(
    org_id: int, metrics: Iterable[str], first: dt.date, last: dt.date
) -> dict[str, np.ndarray]:
    """Organisation-wide daily totals from ``first`` to ``last``: metric -> array, NaN where no
    data. One GROUP BY query for all the stored metrics needed, derived ones computed."""
    metrics = list(dict.fromkeys(metrics))
    stored = base_metrics(metrics)
    arrays = {name: _empty(first, last) for name in stored}
    if stored and first <= last:
        overall = func.sum(case((KpiObservation.channel == "", KpiObservation.value)))
        split = func.sum(case((KpiObservation.channel != "", KpiObservation.value)))
        rows = db.session.execute(
            select(KpiObservation.metric, KpiObservation.day, overall, split)
            .where(
                KpiObservation.organization_id == org_id,
                KpiObservation.metric.in_(stored),
                KpiObservation.day.between(first, last),
            )
            .group_by(KpiObservation.metric, KpiObservation.day)
        )
        for metric, day, all_channels, by_channel in rows:
            value = all_channels if all_channels is not None else by_channel
            if value is not None:
                arrays[metric][(day - first).days] = value
    return {metric: derive(metric, arrays) for metric in metrics}


def channel_series(
    org_id: int, metrics: Iterable[str], first: dt.date, last: dt.date
) -> dict[str, dict[str, np.ndarray]]:
    """Per named channel (all-channels rows left out): channel -> metric -> daily array."""
    metrics = list(dict.fromkeys(metrics))
    stored = base_metrics(metrics)
    found: dict[str, dict[str, np.ndarray]] = {}
    rows = db.session.execute(
        select(
            KpiObservation.channel, KpiObservation.metric, KpiObservation.day, KpiObservation.value
        ).where(
            KpiObservation.organization_id == org_id,
            KpiObservation.metric.in_(stored),
            KpiObservation.channel != "",
            KpiObservation.day.between(first, last),
        )
    )
    for channel, metric, day, value in rows:
        arrays = found.setdefault(channel, {name: _empty(first, last) for name in stored})
        arrays[metric][(day - first).days] = value
    return {
        channel: {metric: derive(metric, arrays) for metric in metrics}
        for channel, arrays in sorted(found.items())
    }


def derive(metric: str, arrays: dict[str, np.ndarray]) -> np.ndarray:
    """A metric's daily values from the stored ones (itself, unless it is derived)."""
    if metric not in DERIVED_INPUTS:
        return arrays[metric]
    spend, staff = arrays["spend"], arrays["staff_cost"]
    cost = np.where(np.isnan(spend) & np.isnan(staff), np.nan, np.nansum([spend, staff], axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        if metric == "cost_per_lead":
            leads = arrays["leads"]
            return np.where(leads > 0, cost / np.where(leads > 0, leads, 1.0), np.nan)
        revenue = arrays["revenue"]
        return np.where(cost > 0, (revenue - cost) / np.where(cost > 0, cost, 1.0), np.nan)


def data_range(org_id: int) -> tuple[dt.date | None, dt.date | None]:
    first, last = db.session.execute(
        select(func.min(KpiObservation.day), func.max(KpiObservation.day)).where(
            KpiObservation.organization_id == org_id
        )
    ).one()
    return first, last


def channels_of(org_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(KpiObservation.channel)
            .where(KpiObservation.organization_id == org_id, KpiObservation.channel != "")
            .distinct()
            .order_by(KpiObservation.channel)
        )
    )


def month_values(
    org: Organization, month: dt.date, channel: str, metrics: Sequence[str]
) -> dict[tuple[str, dt.date], float]:
    """Stored values of one channel ('' for all channels) in the month starting at ``month``."""
    last = _month_end(month)
    rows = db.session.execute(
        select(KpiObservation.metric, KpiObservation.day, KpiObservation.value).where(
            KpiObservation.organization_id == org.id,
            KpiObservation.metric.in_(list(metrics)),
            KpiObservation.channel == channel,
            KpiObservation.day.between(month, last),
        )
    )
    return {(m, d): v for m, d, v in rows}


def _month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def month_days(month: dt.date) -> list[dt.date]:
    last = _month_end(month)
    return [month + dt.timedelta(days=i) for i in range((last - month).days + 1)]


def record_month(
    org: Organization, month: dt.date, channel: str, cells: dict[tuple[str, str], str]
) -> dict:
    """The manual-entry grid: cells (metric, 'YYYY-MM-DD') -> typed text. Blank cells are
    left as they are; the rest are checked exactly as a CSV upload is (decimal commas and
    spaces between thousands welcome) and written all or nothing. Errors are named
    "<metric> <date>", as the grid labels its cells."""
    days = {d.isoformat() for d in month_days(month)}
    errors: dict[str, str] = {}
    filled: list[tuple[str, str, str]] = []
    for (metric, day), text in sorted(cells.items()):
        text = " ".join((text or "").split())
        if not text:
            continue
        if day not in days:
            errors[f"{metric} {day}"] = "not a day of this month"
        else:
            filled.append((metric, day, text))
    if not filled and not errors:
        return {"inserted": 0, "updated": 0, "unchanged": 0}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["date", "metric", "value", "channel"])
    for metric, day, text in filled:
        writer.writerow([day, metric, text, channel])
    observations: list[Observation] = []
    try:
        observations = parse_upload_rows(org, buffer.getvalue())
    except RowErrors as error:
        for where, problem in error.fields.items():
            line = re.match(r"line (\d+)", where)
            if line and 2 <= int(line.group(1)) <= len(filled) + 1:
                metric, day, _ = filled[int(line.group(1)) - 2]
                errors[f"{metric} {day}"] = problem
            else:
                errors[where] = problem
    if errors:
        raise ValidationFailed(f"{len(errors)} cells need fixing; nothing was saved", errors)
    return record_kpis(org, observations)


def parse_upload_rows(org: Organization, text: str) -> list[Observation]:
    """parse_csv with the organisation's metrics and today; raises RowErrors."""
    return kpi_input.parse_csv(text, local_today(org.timezone), metric_definitions(org))


def weekly_by_channel(
    org_id: int, metrics: Sequence[str], first: dt.date, last: dt.date
) -> dict[str, list[tuple[str, list[tuple[dt.date, float | None]]]]]:
    """Each metric by week, all channels first and then each channel: 7-day sums that end
    on `last` (so the newest week is whole), derived metrics computed from those sums."""
    stored = base_metrics(metrics)
    groups = {"all channels": daily_totals(org_id, stored, first, last)}
    groups.update(channel_series(org_id, stored, first, last))
    result: dict[str, list] = {metric: [] for metric in metrics}
    for channel, arrays in groups.items():
        size = next(iter(arrays.values())).size
        skip = size % 7
        starts = [first + dt.timedelta(days=skip + 7 * i) for i in range(size // 7)]
        sums = {}
        for name, values in arrays.items():
            bins = values[skip:].reshape(-1, 7)
            sums[name] = np.where((~np.isnan(bins)).any(axis=1), np.nansum(bins, axis=1), np.nan)
        for metric in metrics:
            values = derive(metric, sums)
            if np.all(np.isnan(values)):
                continue
            points = [
                (day, None if np.isnan(v) else float(v))
                for day, v in zip(starts, values, strict=True)
            ]
            result[metric].append((channel, points))
    return result
