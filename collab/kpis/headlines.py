"""The KPI dashboard's headline numbers: each metric over its last 28 days of data against the
28 days before, organisation-wide.

A period ends on the last day the metric has data (never after today), so a file imported a
few days late does not read as a collapse. Counts and money are the period's sums; cost per
lead and ROMI are computed from the period's sums of their inputs; a rate is the period's mean
weighted by the metric that carries it (total clicks over total impressions for the search
CTR), else its plain mean. A trend is given only when both periods have data on at least 26
of their 28 days, as an impact is measured only then: sums over periods with missing days
would compare the gaps, not the work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select

from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.metrics import DERIVED_INPUTS, MetricDef
from collab.kpis.totals import ADDITIVE_UNITS, WEIGHTED_BY, base_metrics, daily_totals, derive
from collab.models import Organization
from collab.models.kpis import KpiObservation
from collab.platform.clock import local_today
from collab.platform.extensions import db

PERIOD_DAYS = 28
MIN_DAYS = 26  # of 28: as many as a measured impact needs
HEADLINE_METRICS = (
    "leads",
    "cost_per_lead",
    "romi",
    "spend",
    "revenue",
    "organic_sessions",
    "search_clicks",
    "search_ctr",
    "conversion_rate",
)


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date
    value: float | None
    days: int  # days with data


@dataclass(frozen=True)
class Headline:
    metric: MetricDef
    current: Period
    previous: Period

    @property
    def comparable(self) -> bool:
        return (
            self.current.days >= MIN_DAYS
            and self.previous.days >= MIN_DAYS
            and self.current.value is not None
            and self.previous.value not in (None, 0.0)
        )

    @property
    def change_pct(self) -> float | None:
        """The change against the 28 days before, in percent; None without a fair one."""
        if not self.comparable:
            return None
        return 100.0 * (self.current.value - self.previous.value) / abs(self.previous.value)

    @property
    def better(self) -> bool | None:
        """Whether the change goes the metric's good way (None: no change to judge)."""
        change = self.change_pct
        if change is None or round(change, 1) == 0:
            return None
        return (change < 0) if self.metric.lower_is_better else (change > 0)


def headlines(org: Organization, metrics: Iterable[str] = HEADLINE_METRICS) -> list[Headline]:
    """The headline of each metric with data in the last 28 days it has, in the given order."""
    definitions = metric_definitions(org)
    wanted = [m for m in dict.fromkeys(metrics) if m in definitions]
    ends = _last_days(org, wanted)
    found = []
    for metric in wanted:
        last = ends.get(metric)
        if last is None:
            continue
        headline = _headline(org.id, definitions[metric], last)
        if headline.current.value is not None:
            found.append(headline)
    return found


def _last_days(org: Organization, metrics: list[str]) -> dict[str, dt.date]:
    """Each metric's last day with data (for a derived one, the last of its inputs')."""
    today = local_today(org.timezone)
    latest = dict(
        db.session.execute(
            select(KpiObservation.metric, func.max(KpiObservation.day))
            .where(
                KpiObservation.organization_id == org.id,
                KpiObservation.metric.in_(base_metrics(metrics)),
                KpiObservation.day <= today,
            )
            .group_by(KpiObservation.metric)
        ).all()
    )
    ends = {}
    for metric in metrics:
        days = [latest[name] for name in DERIVED_INPUTS.get(metric, (metric,)) if name in latest]
        if days:
            ends[metric] = max(days)
    return ends


def _headline(org_id: int, metric: MetricDef, last: dt.date) -> Headline:
    span = dt.timedelta(days=PERIOD_DAYS)
    first = last - 2 * span + dt.timedelta(days=1)
    inputs = list(DERIVED_INPUTS.get(metric.name, ()))
    weight = WEIGHTED_BY.get(metric.name)
    wanted = [metric.name, *inputs, *([weight] if weight else [])]
    daily = daily_totals(org_id, wanted, first, last)
    periods = []
    for start in (0, PERIOD_DAYS):  # the 28 days before, then the last 28
        part = slice(start, start + PERIOD_DAYS)
        window = {name: values[part] for name, values in daily.items()}
        periods.append(
            Period(
                first + dt.timedelta(days=start),
                first + dt.timedelta(days=start + PERIOD_DAYS - 1),
                _value(metric, window, weight),
                int(np.count_nonzero(~np.isnan(window[metric.name]))),
            )
        )
    return Headline(metric, current=periods[1], previous=periods[0])


def _sum(values: np.ndarray) -> float:
    return float(np.nansum(values)) if not np.all(np.isnan(values)) else np.nan


def _value(metric: MetricDef, window: dict[str, np.ndarray], weight: str | None) -> float | None:
    values = window[metric.name]
    if np.all(np.isnan(values)):
        return None
    if metric.derived:
        sums = {name: np.array([_sum(window[name])]) for name in DERIVED_INPUTS[metric.name]}
        result = float(derive(metric.name, sums)[0])
    elif metric.unit in ADDITIVE_UNITS:
        result = _sum(values)
    else:
        carried = window.get(weight) if weight else None
        both = ~np.isnan(values) & ~np.isnan(carried) if carried is not None else None
        if both is not None and both.any() and np.sum(carried[both]) > 0:
            result = float(np.sum(values[both] * carried[both]) / np.sum(carried[both]))
        else:
            result = float(np.nanmean(values))
    return result if np.isfinite(result) else None
