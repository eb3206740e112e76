"""Organisation-wide daily totals and per-channel series, derived metrics computed.

An organisation-wide daily total is the all-channels figure (channel ``''``) when one was
recorded, otherwise the channels' figures combined (API.md, "Totals over channels"): counts
and money are summed; a percentage, a position or a duration is the mean of the channels'
values weighted by the metric that carries it (``WEIGHTED_BY``: the search CTR by
impressions, which makes it total clicks over total impressions; a conversion rate by
sessions) where every channel has it, else the plain mean. A file of totals and a file of
per-channel rows for the same days never double count.

Derived metrics are computed from the daily totals, never stored:
``cost_per_lead = (spend + staff_cost) / leads`` and
``romi = (revenue - spend - staff_cost) / (spend + staff_cost)``. A missing cost component of a
day counts as zero when the other one is there (many channels have a budget and no staff
cost, or the reverse); with neither, or no leads (no revenue), the day has no value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy import and_, case, func, or_, select

from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.metrics import DERIVED_INPUTS
from collab.models import Organization
from collab.models.kpis import KpiObservation
from collab.platform.extensions import db

ADDITIVE_UNITS = frozenset({"count", "money"})
# The metric that carries each rate: its channels' values are weighted by it.
WEIGHTED_BY = {
    "search_ctr": "search_impressions",
    "search_position": "search_impressions",
    "bounce_rate": "sessions",
    "conversion_rate": "sessions",
}


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
    data. Counts and money in one GROUP BY query, rates from their channels' rows, derived
    metrics computed."""
    metrics = list(dict.fromkeys(metrics))
    stored = base_metrics(metrics)
    arrays = {name: _empty(first, last) for name in stored}
    if stored and first <= last:
        units = {name: m.unit for name, m in metric_definitions(org_id).items()}
        summed = [m for m in stored if units.get(m, "count") in ADDITIVE_UNITS]
        averaged = [m for m in stored if m not in summed]
        if summed:
            _add_sums(org_id, summed, first, last, arrays)
        if averaged:
            _add_means(org_id, averaged, first, last, arrays)
    return {metric: derive(metric, arrays) for metric in metrics}


def _add_sums(org_id, metrics, first, last, arrays) -> None:
    overall = func.sum(case((KpiObservation.channel == "", KpiObservation.value)))
    split = func.sum(case((KpiObservation.channel != "", KpiObservation.value)))
    rows = db.session.execute(
        select(KpiObservation.metric, KpiObservation.day, overall, split)
        .where(
            KpiObservation.organization_id == org_id,
            KpiObservation.metric.in_(metrics),
            KpiObservation.day.between(first, last),
        )
        .group_by(KpiObservation.metric, KpiObservation.day)
    )
    for metric, day, all_channels, by_channel in rows:
        value = all_channels if all_channels is not None else by_channel
        if value is not None:
            arrays[metric][(day - first).days] = value


def _add_means(org_id, metrics, first, last, arrays) -> None:
    needed = set(metrics) | {WEIGHTED_BY[m] for m in metrics if m in WEIGHTED_BY}
    by_day: dict[tuple[str, dt.date], dict[str, float]] = {}
    for metric, day, channel, value in db.session.execute(
        select(
            KpiObservation.metric, KpiObservation.day, KpiObservation.channel, KpiObservation.value
        ).where(
            KpiObservation.organization_id == org_id,
            KpiObservation.metric.in_(sorted(needed)),
            KpiObservation.day.between(first, last),
        )
    ):
        by_day.setdefault((metric, day), {})[channel] = value
    for (metric, day), values in by_day.items():
        if metric in metrics:
            weights = by_day.get((WEIGHTED_BY.get(metric, ""), day), {})
            arrays[metric][(day - first).days] = combine_channels(values, weights)


def combine_channels(values: dict[str, float], weights: dict[str, float]) -> float:
    """One day's total of a rate from its channels' values: the all-channels figure when
    recorded, else the mean weighted by ``weights`` (the carrying metric, by channel) when
    every channel has a weight, else the plain mean."""
    if "" in values:
        return values[""]
    if weights and all(channel in weights for channel in values):
        total = sum(weights[channel] for channel in values)
        if total > 0:
            return sum(value * weights[channel] for channel, value in values.items()) / total
    return sum(values.values()) / len(values)


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


def current_figures(org: Organization | int, metrics: Iterable[str]) -> dict[str, float]:
    """The latest organisation-wide daily value of each metric; metrics without data skipped.

    Two statements whatever the history's length: each stored metric's latest day, one
    lookup on the (organisation, metric, day) index each; then the totals of those days only
    (a stored metric's figure is its latest day's total) and, for a derived metric, of the
    31 days before its inputs' latest (its inputs must meet on one day: a month back is
    plenty to find one)."""
    org_id = org if isinstance(org, int) else org.id
    definitions = metric_definitions(org_id)
    metrics = [m for m in dict.fromkeys(metrics) if m in definitions]
    if not metrics:
        return {}
    stored = base_metrics(metrics)
    newest = [
        select(KpiObservation.day)
        .where(KpiObservation.organization_id == org_id, KpiObservation.metric == name)
        .order_by(KpiObservation.day.desc())
        .limit(1)
        .scalar_subquery()
        for name in stored
    ]
    days = db.session.execute(select(*newest)).one()
    latest = {name: day for name, day in zip(stored, days, strict=True) if day is not None}
    if not latest:
        return {}
    windows: dict[str, set[tuple[dt.date, dt.date]]] = {}
    derived: dict[str, tuple[dt.date, dt.date]] = {}
    for metric in metrics:
        inputs = [name for name in DERIVED_INPUTS.get(metric, ()) if name in latest]
        if metric in DERIVED_INPUTS:
            if inputs:
                last = max(latest[name] for name in inputs)
                derived[metric] = (last - dt.timedelta(days=31), last)
                for name in inputs:
                    windows.setdefault(name, set()).add(derived[metric])
        elif metric in latest:
            windows.setdefault(metric, set()).add((latest[metric], latest[metric]))
    if not windows:
        return {}
    first = min(lo for spans in windows.values() for lo, _ in spans)
    last = max(hi for spans in windows.values() for _, hi in spans)
    arrays = {name: _empty(first, last) for name in stored}
    overall = func.sum(case((KpiObservation.channel == "", KpiObservation.value)))
    split = func.sum(case((KpiObservation.channel != "", KpiObservation.value)))
    rows = db.session.execute(
        select(KpiObservation.metric, KpiObservation.day, overall, split)
        .where(
            KpiObservation.organization_id == org_id,
            or_(
                *(
                    and_(KpiObservation.metric == name, KpiObservation.day.between(lo, hi))
                    for name, spans in windows.items()
                    for lo, hi in sorted(spans)
                )
            ),
        )
        .group_by(KpiObservation.metric, KpiObservation.day)
    )
    for metric, day, all_channels, by_channel in rows:
        value = all_channels if all_channels is not None else by_channel
        if value is not None:
            arrays[metric][(day - first).days] = value
    figures: dict[str, float] = {}
    for metric in metrics:
        if metric in DERIVED_INPUTS:
            if metric not in derived:
                continue
            lo, hi = derived[metric]
            values = derive(metric, arrays)[(lo - first).days : (hi - first).days + 1]
        elif metric in latest:
            values = arrays[metric][(latest[metric] - first).days :][:1]
        else:
            continue
        known = np.flatnonzero(~np.isnan(values))
        if known.size:
            figures[metric] = float(values[known[-1]])
    return figures


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
