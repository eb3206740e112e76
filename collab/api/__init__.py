"""JSON API v1: bearer tokens, JSON errors, the OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from collab.api import alerts, errors, kpis, views, work  # noqa: E402,F401  (routes register on import)
