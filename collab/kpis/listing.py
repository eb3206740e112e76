"""The API's list of observations: stored ones in (metric, date, channel) order, a page at a
time; derived metrics computed from the daily totals."""

from __future__ import annotations

import datetime as dt

import numpy as np
from flask_babel import gettext
from sqlalchemy import func, select, tuple_

from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.metrics import DERIVED_INPUTS
from collab.kpis.totals import channel_series, daily_totals
from collab.models import Organization
from collab.models.kpis import KpiObservation
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.platform.paging import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    NOT_A_CURSOR,
    decode_cursor,
    encode_cursor,
    page_of,
)


def _row_cursor(key: tuple[str, dt.date, str]) -> str:
    return encode_cursor({"m": key[0], "d": key[1].isoformat(), "c": key[2]})


def _row_after(cursor: str) -> tuple[str, dt.date, str]:
    try:
        data = decode_cursor(cursor)
        return str(data["m"]), dt.date.fromisoformat(data["d"]), str(data["c"])
    except (ValueError, KeyError, TypeError):
        raise ValidationFailed(
            gettext("bad paging parameters"), {"cursor": gettext(NOT_A_CURSOR)}
        ) from None


def _parse_day(raw: str | None, field: str, errors: dict) -> dt.date | None:
    if raw in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[field] = gettext(
            "%(value)s is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31", value=repr(raw)
        )
        return None


def query_kpis(
    org: Organization,
    metric: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    channel: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = DEFAULT_LIMIT,
) -> tuple[list[dict], str | None]:
    """Observations in (metric, date, channel) order, one page; derived metrics computed.

    Returns the items ({metric, date, value, channel}; channel null for all channels) and the
    cursor of the next page (None at the end)."""
    errors: dict[str, str] = {}
    definitions = metric_definitions(org)
    metric = (metric or "").strip().lower() or None
    if metric is not None and metric not in definitions:
        errors["metric"] = gettext(
            "unknown metric %(name)s; choose one of %(choices)s",
            name=repr(metric),
            choices=", ".join(definitions),
        )
    first = _parse_day(date_from, "from", errors)
    last = _parse_day(date_to, "to", errors)
    if first and last and first > last:
        errors["to"] = gettext(
            "%(to)s is before from (%(from)s); give a day on or after it",
            to=last.isoformat(),
            **{"from": first.isoformat()},
        )
    try:
        size = int(limit if limit not in (None, "") else DEFAULT_LIMIT)
        if not 1 <= size <= MAX_LIMIT:
            raise ValueError
    except ValueError:
        errors["limit"] = gettext(
            "%(value)s is not a whole number from 1 to %(most)s; give one in that range",
            value=repr(limit),
            most=MAX_LIMIT,
        )
        size = DEFAULT_LIMIT
    after = _row_after(cursor) if cursor else None
    if errors:
        raise ValidationFailed(gettext("bad query parameters"), errors)
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
    page, more = page_of(page, size)
    items = [
        {"metric": m, "date": d.isoformat(), "value": v, "channel": c or None}
        for m, d, c, v in page
    ]
    next_cursor = _row_cursor(page[-1][:3]) if more else None
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
