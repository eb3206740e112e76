"""The OpenAPI 3.1 document. A test compares its paths with the registered routes."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                "current": {"type": "object"},
            },
        }
    },
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


COMMON_ERRORS = {"401": _error("missing, unknown or revoked token")}

PATHS: dict[str, dict] = {
    "/api/v1/openapi.json": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": _ok({"type": "object"})},
        }
    },
    "/api/v1/me": {
        "get": {
            "summary": "Who the token belongs to, and their memberships",
            "responses": {
                "200": _ok(
                    {
                        "type": "object",
                        "properties": {
                            "email": {"type": "string"},
                            "name": {"type": "string"},
                            "memberships": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "org": {"type": "string"},
                                        "role": {
                                            "enum": ["agency", "cio", "cmo", "it", "marketing"]
                                        },
                                    },
                                },
                            },
                        },
                    }
                ),
                **COMMON_ERRORS,
            },
        }
    },
}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "collab API",
            "version": "1",
            "description": "Agency recommendations, routed tasks, alerts, KPIs and impacts.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR},
        },
    }
