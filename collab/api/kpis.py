"""KPIs and impacts over JSON."""

from __future__ import annotations

import math

from flask import g, jsonify
from flask_babel import gettext

from collab.api import bp
from collab.api.responses import Impacts, KpiFileImported, ObservationPage, RecordedCounts
from collab.api.schemas import KpiFileForm, KpiFilter, Observation, Observations
from collab.api.validation import operation
from collab.http.access import access
from collab.impacts.results import impacts_for_task
from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.file_imports import KpiFileRefused, import_file, offered
from collab.kpis.listing import query_kpis
from collab.kpis.recording import record_json
from collab.platform.errors import ValidationFailed
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


@bp.route("/orgs/<org>/kpis/files", methods=["POST"])
@access("kpi.write")
@operation(
    form=KpiFileForm,
    files=("file",),
    body_limit="MAX_UPLOAD_LENGTH",
    answers={200: KpiFileImported},
    conflict="a concurrent import wrote the same new days; send again",
)
def import_kpi_file(org: str, form: KpiFileForm, files: dict):
    """Import a KPI export as the tool wrote it, answered synchronously

    Search Console (its ZIP too), GA4, Google Ads, Bing Webmaster Tools, Yandex Metrica (CSV
    or XLSX), collab's own CSV, or a ZIP of them, up to 100 MiB. Each source writes its own
    channel (google_organic, bing_organic, paid_search, GA4's channel groups...) unless
    channel is given, so no source overwrites another's figures. Columns no metric takes are
    skipped and listed in skipped; the organisation's remembered choices (made on the KPI
    import page) apply. All or nothing: 422 names the file, the line and what was expected,
    says what to do, and lists in error.unmapped the columns a choice could take; nothing is
    written. Money in another currency than the organisation's is refused. Sending the same
    file again changes nothing."""
    if len(files["file"]) > 1:
        count = len(files["file"])
        raise ValidationFailed(
            gettext("send one export in the form field file (or a ZIP of several)"),
            {"file": gettext("%(count)s files: send one (or a ZIP of them)", count=count)},
        )
    upload = files["file"][0]
    channel = (form.channel or "").strip() or None
    try:
        answer = import_file(g.org, upload.filename or "the file", upload.read(), channel)
    except KpiFileRefused as refused:
        db.session.rollback()
        error = {"code": refused.code, "message": refused.message, "fields": refused.fields}
        if refused.unmapped:
            error["unmapped"] = [offered(column) for column in refused.unmapped]
        return jsonify({"error": error}), refused.status
    db.session.commit()
    return jsonify(answer)


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
