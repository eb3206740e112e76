"""A month's KPIs against the month before and the same month a year before.

A month's figure comes from the organisation-wide daily totals (collab.kpis.totals): counts
and money are summed over its days; cost per lead and ROMI are computed from those sums
(never averaged from daily ratios); the search click-through rate is the month's clicks over
its impressions and the average position is weighted by impressions, where the month has
those; any other rate, duration or ratio is the mean of the days with data. ``change_pct``
is null when the earlier figure is 0 or missing.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.metrics import DERIVED_INPUTS
from collab.kpis.totals import base_metrics, daily_totals
from collab.models import Organization
from collab.reports.months import Month

HEADLINE = ("leads", "cost_per_lead", "romi")  # the figures marketing is judged by, first
DIGITS = 4


def _sum(values: np.ndarray) -> float | None:
    return float(np.nansum(values)) if np.any(~np.isnan(values)) else None


def _cost(arrays: dict[str, np.ndarray]) -> float | None:
    parts = [_sum(arrays["spend"]), _sum(arrays["staff_cost"])]
    known = [p for p in parts if p is not None]
    return sum(known) if known else None


def month_value(metric: str, unit: str, arrays: dict[str, np.ndarray]) -> float | None:
    """One metric's figure for the days in ``arrays`` (stored metric -> daily totals)."""
    if metric in DERIVED_INPUTS:
        cost = _cost(arrays)
        if metric == "cost_per_lead":
            leads = _sum(arrays["leads"])
            return cost / leads if cost is not None and leads else None
        revenue = _sum(arrays["revenue"])
        return (revenue - cost) / cost if cost and revenue is not None else None
    values = arrays[metric]
    if metric == "search_ctr" and "search_impressions" in arrays:
        clicks, shown = _sum(arrays["search_clicks"]), _sum(arrays["search_impressions"])
        if clicks is not None and shown:
            return 100.0 * clicks / shown
    if metric == "search_position" and "search_impressions" in arrays:
        weights = arrays["search_impressions"]
        both = ~np.isnan(values) & ~np.isnan(weights)
        if np.any(both) and np.sum(weights[both]) > 0:
            return float(np.average(values[both], weights=weights[both]))
    if not np.any(~np.isnan(values)):
        return None
    if unit in ("count", "money"):
        return float(np.nansum(values))
    return float(np.nanmean(values))


def change_pct(value: float | None, earlier: float | None) -> float | None:
    if value is None or earlier is None or earlier == 0:
        return None
    return round((value - earlier) / abs(earlier) * 100.0, 2)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


def kpi_figures(org: Organization, month: Month, previous: Month, year_before: Month) -> list:
    """``[{metric, value, previous, change_pct, year_before, change_year_pct}]`` for every
    metric with data in the month or the month before, the headline figures first."""
    definitions = metric_definitions(org)
    names = [m for m in HEADLINE if m in definitions]
    names += [m for m in definitions if m not in names]
    stored = base_metrics(names)
    for extra in ("search_clicks", "search_impressions"):
        if extra in definitions and extra not in stored:
            stored.append(extra)
    periods = [
        daily_totals(org.id, stored, period.first, period.last)
        for period in (month, previous, year_before)
    ]
    items = []
    for metric in names:
        unit = definitions[metric].unit
        value, earlier, last_year = (month_value(metric, unit, arrays) for arrays in periods)
        if value is None and earlier is None:
            continue
        items.append(
            {
                "metric": metric,
                "value": _rounded(value),
                "previous": _rounded(earlier),
                "change_pct": change_pct(value, earlier),
                "year_before": _rounded(last_year),
                "change_year_pct": change_pct(value, last_year),
            }
        )
    return items


def daily_values(org: Organization, metric: str, month: Month) -> list[tuple[dt.date, float]]:
    """A metric's daily totals in the month, for the report's charts."""
    totals = daily_totals(org.id, [metric], month.first, month.last)[metric]
    return [
        (month.first + dt.timedelta(days=i), float(v))
        for i, v in enumerate(totals)
        if not np.isnan(v)
    ]
