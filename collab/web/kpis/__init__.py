"""KPI pages, one blueprint (endpoints kpis.*): the dashboard and impact ledger, imports, the
month grid, the category -> metrics map, and the impact panel on the task page."""

from __future__ import annotations

from flask import Blueprint

from collab.kpis import input as kpi_input

bp = Blueprint("kpis", __name__, url_prefix="/orgs/<org>/kpis")

_UNIT_OF = {name: m.unit for name, m in kpi_input.DEFAULT_METRICS.items()}


def unit_of(metric: str) -> str:
    """What a chart's axis counts for ``metric``: "count", "money", "percent", ..."""
    return _UNIT_OF.get(metric, "")


# The pages register their routes on bp as they are imported.
from collab.web.kpis import dashboard, imports, metric_map, month_grid  # noqa: E402, F401
