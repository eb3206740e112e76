"""Operators' API: how much is waiting, failing and working."""

from __future__ import annotations

from flask import jsonify

from collab.api import bp
from collab.api.openapi import PATHS, _ok
from collab.http.access import access
from collab.http.operations import queue_depths

_COUNT = {"type": ["integer", "null"], "minimum": 0}


@bp.route("/admin/queues")
@access(operator=True)
def queues():
    return jsonify(queue_depths())


PATHS["/api/v1/admin/queues"] = {
    "get": {
        "summary": "Queue depths for platform operators (null figures while Redis is away)",
        "responses": {
            "200": _ok(
                {
                    "type": "object",
                    "required": ["email", "jobs", "workers"],
                    "properties": {
                        "email": {
                            "type": "object",
                            "properties": {
                                "pending": {"type": "integer", "minimum": 0},
                                "failed": {"type": "integer", "minimum": 0},
                            },
                        },
                        "jobs": {
                            "type": "object",
                            "properties": {
                                "queued": _COUNT,
                                "scheduled": _COUNT,
                                "failed": _COUNT,
                            },
                        },
                        "workers": _COUNT,
                        "redis": {"enum": ["ok", "down"]},
                    },
                }
            ),
            "401": {"description": "missing, unknown or revoked token"},
            "403": {"description": "not a platform operator"},
        },
    }
}
