"""KPIs and impacts over JSON."""

from __future__ import annotations

import math

from flask import g, jsonify

from collab.api import bp
from collab.api.responses import Impacts, ObservationPage, RecordedCounts
from collab.api.schemas import KpiFilter, Observation, Observations
from collab.api.validation import operation
from collab.http.access import access
from collab.impacts.results import impacts_for_task
from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.listing import query_kpis
from collab.kpis.recording import record_json
from collab.platform.extensions import db
from collab.work import tasks


@bp.route("/orgs/<org>/kpis", methods=["POST"])
@access("kpi.write")
@operation(
    body=Observations,
    answers={200: RecordedCounts},
    conflict="a concurrent import wrote the same new days; send again",
    extra_schemas=(Observation,),
)
def record_kpis(org: str, body: Observations):
    """Record daily KPI observations, upserted by (metric, date, channel)

    All or nothing: one bad row answers 422 naming every bad row (fields:
    {'observations[3].value': 'not a number'}) and writes nothing. Values must be finite and
    within the metric's range: percents 0-100, counts whole, money 0 or at least 0.01.
    Sending the same observations again changes nothing."""
    counts = record_json(g.org, body.observations)
    db.session.commit()
    return jsonify(counts)


def _metric_names() -> dict:
    return {"metrics": list(metric_definitions(g.org))}


@bp.route("/orgs/<org>/kpis")
@access("kpi.view")
@operation(query=KpiFilter, query_context=_metric_names, answers={200: ObservationPage})
def list_kpis(org: str, query: KpiFilter):
    """Daily KPI observations in (metric, date, channel) order

    A derived metric (cost_per_lead, romi) asked for by name is computed from the daily
    totals (per channel with channel=)."""
    items, next_cursor = query_kpis(
        g.org,
        metric=query.metric,
        date_from=query.date_from.isoformat() if query.date_from else None,
        date_to=query.date_to.isoformat() if query.date_to else None,
        channel=query.channel,
        cursor=query.cursor,
        limit=query.limit,
    )
    # Values stored before the range checks existed can still divide to infinity; such a
    # day is left out, as a division by zero is, and never sent as Infinity (not JSON).
    items = [item for item in items if math.isfinite(item["value"])]
    return jsonify({"items": items, "next_cursor": next_cursor})


@bp.route("/orgs/<org>/tasks/<int:task_id>/impact")
@access("kpi.view")
@operation(answers={200: Impacts})
def task_impact(org: str, task_id: int):
    """The KPI changes measured after a completed task, one per linked metric

    Empty until the task is done. Measured from the current data on every call; the impact
    job stores the same for the ledger and badges."""
    task = tasks.task_in(g.org, task_id)
    items = impacts_for_task(task)
    return jsonify({"items": items})
