"""KPIs and impacts over JSON (routes and their OpenAPI entries live here)."""

from __future__ import annotations

from flask import g, jsonify, request
from werkzeug.datastructures import FileStorage

from collab.api import bp
from collab.api.openapi import (
    ORG,
    ORG_ERRORS,
    PATHS,
    SCHEMAS,
    TASK_ID,
    WRITE_ERRORS,
    _body,
    _error,
    _ok,
    _ref,
)
from collab.api.work import json_body
from collab.http.access import access
from collab.http.uploads import large_upload
from collab.impacts.results import impacts_for_task
from collab.kpis.file_imports import KpiFileRefused, import_file, offered
from collab.kpis.listing import query_kpis
from collab.kpis.recording import record_json
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.work import tasks


@bp.route("/orgs/<org>/kpis", methods=["POST"])
@access("kpi.write")
def record_kpis(org: str):
    counts = record_json(g.org, json_body().get("observations"))
    db.session.commit()
    return jsonify(counts)


@bp.route("/orgs/<org>/kpis/files", methods=["POST"])
@access("kpi.write")
@large_upload
def import_kpi_file(org: str):
    """An export as the tool wrote it, imported now (API.md "KPI files")."""
    upload = _one_file()
    channel = (request.form.get("channel") or "").strip() or None
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


def _one_file() -> FileStorage:
    if request.mimetype != "multipart/form-data":
        raise ValidationFailed(
            "send the export as multipart/form-data, in a field named file",
            {"file": "required: the export, as the tool wrote it"},
        )
    files = [f for f in request.files.getlist("file") if f.filename]
    if len(files) != 1:
        problem = "required" if not files else f"{len(files)} files: send one (or a ZIP of them)"
        raise ValidationFailed("send one export in the form field file", {"file": problem})
    return files[0]


@bp.route("/orgs/<org>/kpis")
@access("kpi.view")
def list_kpis(org: str):
    args = request.args
    items, next_cursor = query_kpis(
        g.org,
        metric=args.get("metric"),
        date_from=args.get("from"),
        date_to=args.get("to"),
        channel=args.get("channel"),
        cursor=args.get("cursor"),
        limit=args.get("limit"),
    )
    return jsonify({"items": items, "next_cursor": next_cursor})


@bp.route("/orgs/<org>/tasks/<int:task_id>/impact")
@access("kpi.view")
def task_impact(org: str, task_id: int):
    task = tasks.task_in(g.org, task_id)
    items = impacts_for_task(task)
    return jsonify({"items": items})


_NUMBER_OR_NULL = {"type": ["number", "null"]}
_WINDOW = {
    "type": "object",
    "properties": {
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "mean": _NUMBER_OR_NULL,
        "n": {"type": "integer", "description": "days of the window with data"},
    },
}
SCHEMAS.update(
    {
        "Observation": {
            "type": "object",
            "required": ["metric", "date", "value"],
            "properties": {
                "metric": {"type": "string", "description": "leads, spend, ... (API.md)"},
                "date": {"type": "string", "format": "date"},
                "value": {"type": "number"},
                "channel": {
                    "type": ["string", "null"],
                    "description": "organic, paid_search, ...; null or absent: all channels",
                },
            },
        },
        "Impact": {
            "type": "object",
            "properties": {
                "metric": {"type": "string"},
                "status": {"enum": ["waiting_for_data", "measured"]},
                "before": _WINDOW,
                "after": _WINDOW,
                "change_abs": _NUMBER_OR_NULL,
                "change_pct": {**_NUMBER_OR_NULL, "description": "percent: 12.0 means +12%"},
                "ci95_pct": {
                    "type": ["array", "null"],
                    "items": {"type": "number"},
                    "minItems": 2,
                    "maxItems": 2,
                },
                "p_value": _NUMBER_OR_NULL,
                "verdict": {"enum": ["improved", "worsened", "no_change"]},
                "confounders": {
                    "type": "array",
                    "items": {"type": "integer"},
                    "description": "other tasks of the organisation completed in either window",
                },
                "warnings": {"type": "array", "items": {"type": "string"}},
            },
        },
    }
)

PATHS.update(
    {
        "/api/v1/orgs/{org}/kpis": {
            "post": {
                "summary": "Record daily KPI observations, upserted by (metric, date, channel)",
                "description": "All or nothing: one bad row answers 422 naming every bad row "
                "(fields: {'observations[3].value': 'not a number'}) and writes nothing. "
                "Sending the same observations again changes nothing.",
                "parameters": [ORG],
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["observations"],
                        "properties": {
                            "observations": {
                                "type": "array",
                                "maxItems": 100000,
                                "items": _ref("Observation"),
                            }
                        },
                    }
                ),
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "properties": {
                                "inserted": {"type": "integer"},
                                "updated": {"type": "integer"},
                                "unchanged": {"type": "integer"},
                            },
                        }
                    ),
                    "409": _error("a concurrent import wrote the same new days; send again"),
                    **WRITE_ERRORS,
                },
            },
            "get": {
                "summary": "Daily KPI observations in (metric, date, channel) order",
                "description": "A derived metric (cost_per_lead, romi) asked for by name is "
                "computed from the daily totals (per channel with channel=).",
                "parameters": [
                    ORG,
                    {"name": "metric", "in": "query", "schema": {"type": "string"}},
                    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
                    {"name": "channel", "in": "query", "schema": {"type": "string"}},
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 200},
                    },
                ],
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": _ref("Observation")},
                                "next_cursor": {"type": ["string", "null"]},
                            },
                        }
                    ),
                    **WRITE_ERRORS,
                },
            },
        },
        "/api/v1/orgs/{org}/kpis/files": {
            "post": {
                "summary": "Import a KPI export as the tool wrote it (answered synchronously)",
                "description": "Search Console (its ZIP too), GA4, Google Ads, Bing Webmaster "
                "Tools, Yandex Metrica (CSV or XLSX), collab's own CSV, or a ZIP of them; up to "
                "100 MiB. Each source writes its own channel (google_organic, bing_organic, "
                "paid_search, GA4's channel groups...) unless channel is given, so no source "
                "overwrites another's figures. Columns no metric takes are skipped and listed "
                "in skipped, and the organisation's remembered choices (made on the KPI import "
                "page) apply. All or nothing: 422 names the file, the line and what was "
                "expected, says what to do, and lists in error.unmapped the columns a choice "
                "could take; nothing is written. Money in another currency than the "
                "organisation's is refused. Sending the same file again changes nothing.",
                "parameters": [ORG],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "channel": {
                                        "type": "string",
                                        "maxLength": 64,
                                        "description": "the channel for rows that name none",
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "properties": {
                                "source": {
                                    "enum": [
                                        "search_console",
                                        "ga4",
                                        "google_ads",
                                        "bing_webmaster",
                                        "yandex_metrica",
                                        "csv",
                                        "mixed",
                                    ]
                                },
                                "inserted": {"type": "integer"},
                                "updated": {"type": "integer"},
                                "unchanged": {"type": "integer"},
                                "metrics": {"type": "array", "items": {"type": "string"}},
                                "from": {"type": "string", "format": "date"},
                                "to": {"type": "string", "format": "date"},
                                "skipped": {"type": "array", "items": {"type": "string"}},
                            },
                        }
                    ),
                    "409": _error("a concurrent import wrote the same new days; send again"),
                    **WRITE_ERRORS,
                },
            }
        },
        "/api/v1/orgs/{org}/tasks/{task_id}/impact": {
            "get": {
                "summary": "The KPI changes measured after a completed task, one per linked metric",
                "description": "Empty until the task is done. Measured from the current data "
                "on every call; the impact job stores the same for the ledger and badges.",
                "parameters": [ORG, TASK_ID],
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "properties": {"items": {"type": "array", "items": _ref("Impact")}},
                        }
                    ),
                    **ORG_ERRORS,
                },
            }
        },
    }
)
