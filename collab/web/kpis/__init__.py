"""KPI pages, one blueprint (endpoints kpis.*): the dashboard and impact ledger, imports, the
month grid, the category -> metrics map, and the impact panel on the task page."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("kpis", __name__, url_prefix="/orgs/<org>/kpis")

# The pages register their routes on bp as they are imported.
from collab.web.kpis import dashboard, imports, metric_map, month_grid  # noqa: E402, F401
