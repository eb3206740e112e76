"""Audit imports over the API: Lighthouse reports and crawler files in, routed work out."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask import g, jsonify
from pydantic import BaseModel, ConfigDict, Field

from collab.api import bp
from collab.api.responses import Answer
from collab.api.schemas import Query
from collab.api.validation import operation, read_body
from collab.audits import history, imports, undo
from collab.http.access import access
from collab.models.site_audits import AuditImport
from collab.platform.extensions import db


class AuditForm(Query):
    audited_on: str | None = Field(
        None, max_length=10, description="the day of the crawl (YYYY-MM-DD) for CSV exports"
    )
    add_hosts: Literal["true", "false"] | None = Field(
        None, description="directors: accept pages on hosts the organisation does not list yet"
    )


class LighthouseReport(BaseModel):
    """One Lighthouse report (LHR) or PageSpeed Insights response, as the tool wrote it."""

    # Checked to be a JSON object, then read by collab's audit reader from the bytes sent:
    # a report of up to 100 MiB is not also kept as a model's fields.
    model_config = ConfigDict(extra="ignore", json_schema_extra={"additionalProperties": True})


class Finding(Answer):
    key: str = Field(description="the Lighthouse audit id, or a slug of the issue name")
    title: str
    urls: list[str]
    recommendation_id: int | None


class AuditImportAnswer(Answer):
    id: int
    source: Literal["lighthouse", "screaming_frog", "csv"]
    pages: list[str]
    findings: list[Finding]
    created: list[int] = Field(description="recommendation ids")
    updated: list[int]
    unchanged: list[int]
    resolved: list[int]
    audited_at: dt.datetime


def import_json(record: AuditImport) -> dict:
    result = record.result
    return {
        "id": record.id,
        "source": record.source,
        "tool": record.tool,
        "version": record.version,
        "files": record.files,
        "audited_at": record.audited_at.isoformat(),
        "pages": record.pages,
        "findings": result.get("findings", []),
        "created": result.get("created", []),
        "updated": result.get("updated", []),
        "unchanged": result.get("unchanged", []),
        "resolved": result.get("resolved", []),
        "regressed": result.get("regressed", []),
        "problems": result.get("problems", []),
        "repeat_of": record.repeat_of_id,
        "imported_by": record.imported_by.email if record.imported_by else None,
        "created_at": record.created_at.isoformat(),
        "undone_at": record.undone_at.isoformat() if record.undone_at else None,
    }


@bp.route("/orgs/<org>/audits", methods=["POST"])
@access("audit.import")
@operation(
    form=AuditForm,
    files=("file",),
    body=LighthouseReport,
    body_limit="MAX_UPLOAD_LENGTH",
    answers={
        201: (AuditImportAnswer, "imported; something was created"),
        200: (AuditImportAnswer, "imported; nothing was created"),
    },
)
def import_audit(org: str, form: AuditForm | None, files, body: LighthouseReport | None):
    """Import Lighthouse reports or crawler exports as routed recommendations

    multipart/form-data with one or more `file` fields (Lighthouse JSON, PageSpeed Insights
    responses, Screaming Frog or other crawler CSVs, or a ZIP of them), or one Lighthouse
    report as the JSON body. One recommendation per issue type, tasks routed by the audit id
    or issue name; a later report updates, resolves or reopens them; the same files again
    change nothing (200). 422 names the file and what is wrong, and nothing is written; pages
    on hosts the organisation does not list are refused unless a director sends
    add_hosts=true. Bodies up to 100 MiB."""
    if body is not None:
        sent = [("report.json", read_body(0x7FFFFFFF))]  # the bytes already read, as sent
    else:
        sent = [(f.filename or "upload", f.read()) for f in files["file"]]
    record = imports.import_audit(
        g.org,
        g.membership,
        sent,
        audited_on=imports.audit_date(form.audited_on if form else None, g.org),
        add_hosts=bool(form and form.add_hosts == "true"),
    )
    db.session.commit()
    return jsonify(import_json(record)), 201 if record.result.get("created") else 200


@bp.route("/orgs/<org>/audits/<int:import_id>")
@access("board.view")
@operation(answers={200: AuditImportAnswer})
def get_audit(org: str, import_id: int):
    """An audit import and what it did"""
    return jsonify(import_json(history.import_in(g.org, import_id)))


@bp.route("/orgs/<org>/audits/<int:import_id>/undo", methods=["POST"])
@access("audit.undo")
@operation(
    answers={200: AuditImportAnswer},
    conflict="undone already, or a later import changed the same issues",
)
def undo_audit(org: str, import_id: int):
    """Undo an import (directors): what it created and nobody touched goes, what it changed
    returns"""
    record = history.import_in(g.org, import_id)
    undo.undo_import(g.org, g.membership, record)
    db.session.commit()
    return jsonify(import_json(record))
