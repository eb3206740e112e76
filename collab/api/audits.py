"""Audit imports over the API: Lighthouse reports and crawler files in, routed work out
(routes and their OpenAPI entries live here)."""

from __future__ import annotations

from flask import g, jsonify, request

from collab.api import bp
from collab.api.openapi import ORG, ORG_ERRORS, PATHS, SCHEMAS, WRITE_ERRORS, _error, _ok, _ref
from collab.audits import history, imports, undo
from collab.http.access import access
from collab.http.uploads import large_upload
from collab.models.site_audits import AuditImport
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db

_TRUE = ("1", "true", "yes", "on")


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


def _sent_files() -> list[tuple[str, bytes]]:
    if request.mimetype == "multipart/form-data":
        files = [(f.filename or "upload", f.read()) for f in request.files.getlist("file")]
        if not files:
            raise ValidationFailed(
                "no audit file was sent", {"file": "send one or more multipart fields named file"}
            )
        return files
    if request.is_json:
        return [("report.json", request.get_data())]
    raise ValidationFailed(
        "send the files as multipart/form-data (fields named file) or one Lighthouse report "
        "as the JSON body",
        {"file": "no audit file was sent"},
    )


def _field(name: str) -> str:
    return request.form.get(name) or request.args.get(name) or ""


@bp.route("/orgs/<org>/audits", methods=["POST"])
@access("audit.import")
@large_upload
def import_audit(org: str):
    files = _sent_files()
    record = imports.import_audit(
        g.org,
        g.membership,
        files,
        audited_on=imports.audit_date(_field("audited_on"), g.org),
        add_hosts=_field("add_hosts").strip().lower() in _TRUE,
    )
    db.session.commit()
    return jsonify(import_json(record)), 201 if record.result.get("created") else 200


@bp.route("/orgs/<org>/audits/<int:import_id>")
@access("board.view")
def get_audit(org: str, import_id: int):
    return jsonify(import_json(history.import_in(g.org, import_id)))


@bp.route("/orgs/<org>/audits/<int:import_id>/undo", methods=["POST"])
@access("audit.undo")
def undo_audit(org: str, import_id: int):
    record = history.import_in(g.org, import_id)
    undo.undo_import(g.org, g.membership, record)
    db.session.commit()
    return jsonify(import_json(record))


_IDS = {"type": "array", "items": {"type": "integer"}, "description": "recommendation ids"}
_IMPORT_ID = {"name": "import_id", "in": "path", "required": True, "schema": {"type": "integer"}}
SCHEMAS["AuditImport"] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "source": {"enum": ["lighthouse", "screaming_frog", "csv"]},
        "tool": {"type": "string", "description": "the tools and versions that wrote the files"},
        "version": {"type": ["string", "null"]},
        "files": {"type": "array", "items": {"type": "string"}},
        "audited_at": {
            "type": "string",
            "format": "date-time",
            "description": "the newest report's date: Lighthouse's fetchTime, else audited_on, "
            "else the upload time",
        },
        "pages": {"type": "array", "items": {"type": "string"}},
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "key": {
                        "type": "string",
                        "description": "the Lighthouse audit id, or a slug of the issue name",
                    },
                    "title": {"type": "string"},
                    "urls": {"type": "array", "items": {"type": "string"}},
                    "recommendation_id": {"type": "integer"},
                },
            },
        },
        "created": _IDS,
        "updated": {**_IDS, "description": "recommendation ids (regressed ones too)"},
        "unchanged": _IDS,
        "resolved": _IDS,
        "regressed": {**_IDS, "description": "resolved before, found again: reopened"},
        "problems": {
            "type": "array",
            "items": {"type": "string"},
            "description": "reports that verify nothing (a runtime error, an empty crawl)",
        },
        "repeat_of": {
            "type": ["integer", "null"],
            "description": "the import whose very files these were: nothing changed",
        },
        "imported_by": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "undone_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
PATHS.update(
    {
        "/api/v1/orgs/{org}/audits": {
            "post": {
                "summary": "Import Lighthouse reports or crawler exports as routed recommendations",
                "description": "One recommendation per issue type, tasks routed by the audit id "
                "or issue name; a later report updates, resolves or reopens them; the same "
                "files again change nothing (200). 422 names the file and what is wrong, and "
                "nothing is written; pages on hosts the organisation does not list are refused "
                "unless a director sends add_hosts=true. Bodies up to 100 MiB.",
                "parameters": [ORG],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": {
                                        "type": "array",
                                        "items": {"type": "string", "format": "binary"},
                                    },
                                    "audited_on": {"type": "string", "format": "date"},
                                    "add_hosts": {"enum": ["true", "false"]},
                                },
                            }
                        },
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "description": "one Lighthouse report (or PageSpeed Insights "
                                "response)",
                            }
                        },
                    },
                },
                "responses": {
                    "201": _ok(_ref("AuditImport"), "imported; something was created"),
                    "200": _ok(_ref("AuditImport"), "imported; nothing was created"),
                    **WRITE_ERRORS,
                },
            }
        },
        "/api/v1/orgs/{org}/audits/{import_id}": {
            "get": {
                "summary": "An audit import and what it did",
                "parameters": [ORG, _IMPORT_ID],
                "responses": {"200": _ok(_ref("AuditImport")), **ORG_ERRORS},
            }
        },
        "/api/v1/orgs/{org}/audits/{import_id}/undo": {
            "post": {
                "summary": "Undo an import (directors): what it created and nobody touched "
                "goes, what it changed returns",
                "parameters": [ORG, _IMPORT_ID],
                "responses": {
                    "200": _ok(_ref("AuditImport")),
                    "409": _error("undone already, or a later import changed the same issues"),
                    **ORG_ERRORS,
                },
            }
        },
    }
)
