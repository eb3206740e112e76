"""Operators' API: how much is waiting, failing and working."""

from __future__ import annotations

from flask import jsonify

from collab.api import bp
from collab.api.responses import QueueDepths
from collab.api.validation import operation
from collab.http.access import access
from collab.http.operations import queue_depths


@bp.route("/admin/queues")
@access(operator=True)
@operation(answers={200: QueueDepths})
def queues():
    """Queue depths for platform operators (null figures while Redis is away)"""
    return jsonify(queue_depths())
