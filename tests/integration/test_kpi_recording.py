"""A refused KPI write takes back only itself: the request or job that asked still owns the
rest of its transaction, and commits or rolls it back as it decides."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from collab.kpis.custom_metrics import define_metric, metric_definitions
from collab.kpis.file_imports import import_file
from collab.kpis.input import Observation
from collab.kpis.month_grid import record_month
from collab.kpis.recording import record_kpis
from collab.models import Organization
from collab.models.kpis import KpiObservation
from collab.platform.errors import Conflict, ValidationFailed
from collab.platform.extensions import db
from tests.integration.test_kpi_support import TODAY
from tests.support.factories import make_org, make_user, membership

DAY = TODAY - dt.timedelta(days=3)


def _two_figures_for_one_day(org):
    # The store's unique key refuses the second, as it refuses a concurrent import's rows.
    record_kpis(org, [Observation("leads", DAY, 4.0), Observation("leads", DAY, 5.0)])


def _a_bad_csv_line(org):
    text = f"date,metric,value\n{DAY.isoformat()},leads,4\n{DAY.isoformat()},leads,x\n"
    import_file(org, "kpis.csv", text.encode())


def _a_bad_grid_cell(org):
    record_month(org, DAY.replace(day=1), "", {("leads", DAY.isoformat()): "four"})


@pytest.mark.parametrize(
    ("refused_write", "error"),
    [
        (_two_figures_for_one_day, Conflict),
        (_a_bad_csv_line, ValidationFailed),
        (_a_bad_grid_cell, ValidationFailed),
    ],
)
def test_a_refused_import_leaves_the_rest_of_the_transaction_intact(app, refused_write, error):
    org = make_org("acme")
    director = membership(make_user(org, "cmo"), org)
    record_kpis(org, [Observation("spend", DAY, 100.0)])
    db.session.commit()
    # Work of the same transaction, not committed yet: one change already sent to the
    # database, one still only in the session.
    define_metric(director, org, "demo_requests", "count", lower_is_better=False)
    org.name = "Acme Ltd"

    with pytest.raises(error):
        refused_write(org)

    db.session.commit()
    db.session.expire_all()
    assert "demo_requests" in metric_definitions(org)
    assert db.session.get(Organization, org.id).name == "Acme Ltd"
    stored = db.session.execute(
        select(KpiObservation.metric, KpiObservation.value).where(
            KpiObservation.organization_id == org.id
        )
    ).all()
    assert stored == [("spend", 100.0)]  # nothing of the refused batch
