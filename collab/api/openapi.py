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
                "unmapped": {
                    "type": "array",
                    "description": "KPI files: the columns of numbers no metric takes yet",
                    "items": {
                        "type": "object",
                        "properties": {
                            "source": {"type": "string"},
                            "column": {"type": "string"},
                            "file": {"type": "string"},
                            "examples": {"type": "array", "items": {"type": "string"}},
                            "unit": {"enum": ["count", "percent", "ms"]},
                            "lower_is_better": {"type": "boolean"},
                        },
                    },
                },
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


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


ORG = {
    "name": "org",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "organisation slug",
}
TASK_ID = {"name": "task_id", "in": "path", "required": True, "schema": {"type": "integer"}}
PAGING = [
    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
]
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}
ORG_ERRORS = {
    **COMMON_ERRORS,
    "403": _error("the role may not do this"),
    "404": _error("no such object in this organisation (another tenant's look the same)"),
}
WRITE_ERRORS = {
    **ORG_ERRORS,
    "413": _error("body too large"),
    "422": _error("invalid input; error.fields names each bad field or row"),
}

SCHEMAS = {
    "Error": ERROR,
    "Category": {
        "type": "object",
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "teams": {"type": "array", "items": {"enum": ["it", "marketing"]}},
            "metrics": {"type": "array", "items": {"type": "string"}},
        },
    },
    "TrainingNote": {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "why": {"type": "string"},
            "kpis": {"type": "array", "items": {"type": "string"}},
            "how_measured": {"type": "string"},
            "body_html": {"type": "string"},
        },
    },
    "Task": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "recommendation_id": {"type": "integer"},
            "title": {"type": "string"},
            "category": {"type": "string"},
            "team": {"enum": ["it", "marketing", None]},
            "status": {"enum": ["triage", "todo", "in_progress", "review", "done", "rejected"]},
            "resolution": {"enum": ["wont_do", "duplicate", None]},
            "reason": NULLABLE_STRING,
            "duplicate_of": {"type": ["integer", "null"]},
            "waiting_on_agency": {"type": "boolean"},
            "priority": {"enum": ["urgent", "high", "medium", "low"]},
            "assignee": NULLABLE_STRING,
            "due_date": NULLABLE_DATE,
            "started_at": NULLABLE_DATETIME,
            "completed_at": NULLABLE_DATETIME,
            "overdue": {"type": "boolean"},
            "due_soon": {"type": "boolean"},
            "version": {"type": "integer"},
            "routing": {
                "type": "object",
                "properties": {
                    "team": NULLABLE_STRING,
                    "category": {"type": "string"},
                    "reason": {"type": "string"},
                },
            },
            "training_note": _ref("TrainingNote"),
            "url": {"type": "string"},
        },
    },
    "TaskChange": {
        "type": "object",
        "required": ["version"],
        "properties": {
            "version": {"type": "integer", "description": "the version you last saw; stale: 409"},
            "status": {"enum": ["triage", "todo", "in_progress", "review", "done", "rejected"]},
            "team": {"enum": ["it", "marketing"]},
            "category": {"type": "string"},
            "assignee": NULLABLE_STRING,
            "priority": {"enum": ["urgent", "high", "medium", "low"]},
            "due_date": NULLABLE_DATE,
            "started_at": NULLABLE_DATETIME,
            "completed_at": NULLABLE_DATETIME,
            "resolution": {"enum": ["wont_do", "duplicate"]},
            "reason": {"type": "string"},
            "duplicate_of": {"type": "integer"},
            "waiting_on_agency": {"type": "boolean"},
        },
    },
    "RecommendationIn": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "description": {"type": "string", "description": "Markdown"},
            "category": {"type": "string"},
            "urls": {
                "type": "array",
                "maxItems": 10000,
                "items": {"type": "string", "format": "uri"},
            },
            "priority": {"enum": ["urgent", "high", "medium", "low"]},
            "due_date": {"type": "string", "format": "date"},
            "external_id": {"type": "string", "maxLength": 200},
        },
    },
    "Recommendation": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "category": NULLABLE_STRING,
            "priority": {"type": "string"},
            "due_date": NULLABLE_DATE,
            "external_id": NULLABLE_STRING,
            "url_count": {"type": "integer"},
            "urls": {
                "type": "array",
                "items": {"type": "string"},
                "description": "the first 200; the web page pages through all",
            },
            "status": {"enum": ["triage", "in_progress", "done", "rejected"]},
            "filed_by": NULLABLE_STRING,
            "created_at": {"type": "string", "format": "date-time"},
            "tasks": {"type": "array", "items": _ref("Task")},
        },
    },
    "Comment": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "task_id": {"type": "integer"},
            "author": NULLABLE_STRING,
            "body": {"type": "string"},
            "internal": {"type": "boolean"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
}


def _list_of(name: str, paged: bool = False) -> dict:
    properties = {"items": {"type": "array", "items": _ref(name)}}
    if paged:
        properties["next_cursor"] = NULLABLE_STRING
    return {"type": "object", "properties": properties}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


PATHS.update(
    {
        "/api/v1/categories": {
            "get": {
                "summary": "The category taxonomy: owning teams and the KPIs each moves",
                "parameters": [{"name": "org", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": _ok(_list_of("Category")), **ORG_ERRORS},
            }
        },
        "/api/v1/orgs/{org}/recommendations": {
            "post": {
                "summary": "File a recommendation; it is routed into one task per team",
                "parameters": [ORG],
                "requestBody": _body(_ref("RecommendationIn")),
                "responses": {
                    "201": _ok(_ref("Recommendation"), "filed"),
                    "200": _ok(_ref("Recommendation"), "external_id already filed: that one"),
                    **WRITE_ERRORS,
                },
            }
        },
        "/api/v1/orgs/{org}/recommendations/{recommendation_id}": {
            "get": {
                "summary": "A recommendation with its tasks",
                "parameters": [
                    ORG,
                    {
                        "name": "recommendation_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                ],
                "responses": {"200": _ok(_ref("Recommendation")), **ORG_ERRORS},
            }
        },
        "/api/v1/orgs/{org}/tasks": {
            "get": {
                "summary": "Tasks, filtered and paged by cursor",
                "parameters": [
                    ORG,
                    {
                        "name": "team",
                        "in": "query",
                        "schema": {"enum": ["it", "marketing", "none"]},
                    },
                    {"name": "status", "in": "query", "schema": {"type": "string"}},
                    {"name": "overdue", "in": "query", "schema": {"enum": ["true", "false"]}},
                    {"name": "category", "in": "query", "schema": {"type": "string"}},
                    *PAGING,
                ],
                "responses": {"200": _ok(_list_of("Task", paged=True)), **WRITE_ERRORS},
            },
            "patch": {
                "summary": "Change several tasks at once, all or nothing",
                "parameters": [ORG],
                "requestBody": _body(
                    {
                        "type": "object",
                        "properties": {
                            "items": {
                                "type": "array",
                                "items": {
                                    "allOf": [
                                        _ref("TaskChange"),
                                        {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {"id": {"type": "integer"}},
                                        },
                                    ]
                                },
                            }
                        },
                    }
                ),
                "responses": {
                    "200": _ok(_list_of("Task")),
                    "409": _error("an item's version is stale"),
                    **WRITE_ERRORS,
                },
            },
        },
        "/api/v1/orgs/{org}/tasks/{task_id}": {
            "get": {
                "summary": "A task",
                "parameters": [ORG, TASK_ID],
                "responses": {"200": _ok(_ref("Task")), **ORG_ERRORS},
            },
            "patch": {
                "summary": "Triage or move a task (optimistic concurrency by version)",
                "parameters": [ORG, TASK_ID],
                "requestBody": _body(_ref("TaskChange")),
                "responses": {
                    "200": _ok(_ref("Task")),
                    "409": _error("stale version; error.current is the task now"),
                    **WRITE_ERRORS,
                },
            },
        },
        "/api/v1/orgs/{org}/tasks/{task_id}/comments": {
            "get": {
                "summary": "A task's comments (the agency never sees internal ones)",
                "parameters": [ORG, TASK_ID],
                "responses": {"200": _ok(_list_of("Comment")), **ORG_ERRORS},
            },
            "post": {
                "summary": "Comment on a task",
                "parameters": [ORG, TASK_ID],
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["body"],
                        "properties": {"body": {"type": "string"}, "internal": {"type": "boolean"}},
                    }
                ),
                "responses": {"201": _ok(_ref("Comment"), "created"), **WRITE_ERRORS},
            },
        },
    }
)


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
            "schemas": SCHEMAS,
        },
    }
