"""KPI pages, one blueprint (endpoints kpis.*): the dashboard and impact ledger, imports, the
month grid, the category -> metrics map, and the impact panel on the task page."""

from __future__ import annotations

from flask import Blueprint

from collab.impacts import job as impacts
from collab.kpis import input as kpi_input
from collab.training.library import metric_label
from collab.web import charts

bp = Blueprint("kpis", __name__, url_prefix="/orgs/<org>/kpis")

_UNIT_OF = {name: m.unit for name, m in kpi_input.DEFAULT_METRICS.items()}


def unit_of(metric: str) -> str:
    """What a chart's axis counts for ``metric``: "count", "money", "percent", ..."""
    return _UNIT_OF.get(metric, "")


# The pages register their routes on bp as they are imported.
from collab.web.kpis import dashboard, imports, metric_map, month_grid  # noqa: E402, F401
from collab.web.kpis.impact_panel import task_impact_panel  # noqa: E402


@bp.app_context_processor
def kpi_helpers():
    return {
        "task_impact_panel": task_impact_panel,
        "metric_label": metric_label,
        "signed_pct": impacts.signed_pct,
        "kpi_number": charts.number,
    }
