"""JSON API v1: bearer tokens, JSON errors, the OpenAPI document."""

from flask import Blueprint

from collab.api.serializers import task_json
from collab.http.errors import error_response
from collab.models import Task
from collab.platform.errors import DomainError
from collab.platform.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    db.session.rollback()  # nothing half-done survives a refused request
    current = error.current
    if isinstance(current, Task):
        current = task_json(db.session.get(Task, current.id))
    return error_response(error.status, error.code, error.message, error.fields, current)


from collab.api import (  # noqa: E402,F401  (routes register on import)
    admin,
    alerts,
    audits,
    kpis,
    reports,
    views,
    webhooks,
    work,
)
