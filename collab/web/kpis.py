"""KPI pages: dashboard, imports, manual entry; and the impact shown on task pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("kpis", __name__, url_prefix="/orgs/<org>/kpis")
