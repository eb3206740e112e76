"""Today's figures read each metric's latest day from the index: the answers of the whole
history, at a cost (statements and rows) that does not grow with it."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import event

from collab.kpis.totals import current_figures, daily_totals
from collab.platform.extensions import db
from tests.integration.test_kpi_support import TODAY, record_series
from tests.support.factories import make_org

METRICS = [
    "search_ctr",
    "organic_sessions",
    "leads",
    "spend",
    "revenue",
    "cost_per_lead",
    "romi",
    "bounce_rate",
]


def _reference(org, metrics) -> dict[str, float]:
    """The latest value of every metric over the whole history, computed the slow way."""
    first = TODAY - dt.timedelta(days=3000)
    totals = daily_totals(org.id, metrics, first, TODAY)
    found = {}
    for metric, values in totals.items():
        known = np.flatnonzero(~np.isnan(values))
        if known.size:
            found[metric] = float(values[known[-1]])
    return found


def _counted(org, metrics):
    statements = [0]

    def before(conn, cursor, statement, parameters, context, executemany):
        statements[0] += 1

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        figures = current_figures(org, metrics)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return figures, statements[0]


def _history(org, days: int, end: dt.date) -> None:
    first = end - dt.timedelta(days=days - 1)
    record_series(org, "search_ctr", first, [1.0 + i % 7 for i in range(days)])
    record_series(org, "organic_sessions", first, [100 + i for i in range(days)], "organic")
    record_series(org, "organic_sessions", first, [50 + i for i in range(days)], "paid")
    record_series(org, "leads", first, [(days - 1 - i) % 5 for i in range(days)], "organic")
    record_series(org, "spend", first, [200.0 + i for i in range(days)], "organic")
    record_series(org, "revenue", first, [300.0 + 2 * i for i in range(days)], "organic")


def test_current_figures_match_the_whole_history(app):
    org = make_org("acme")
    _history(org, 90, TODAY - dt.timedelta(days=3))
    # An older metric, and a latest all-channels total beside the per-channel rows.
    record_series(org, "bounce_rate", TODAY - dt.timedelta(days=400), [41.0, 42.5])
    record_series(org, "organic_sessions", TODAY - dt.timedelta(days=3), [999.0])
    figures = current_figures(org, METRICS + ["nope"])
    assert figures == _reference(org, METRICS)
    assert figures["organic_sessions"] == 999.0
    assert figures["bounce_rate"] == 42.5
    # The latest day has no leads: cost per lead is the last day that has some.
    assert figures["cost_per_lead"] == _reference(org, ["cost_per_lead"])["cost_per_lead"]
    assert current_figures(org, ["leads"]) == {"leads": 0.0}
    assert current_figures(org, []) == {}
    assert current_figures(make_org("empty"), METRICS) == {}


def test_their_cost_does_not_grow_with_the_history(app):
    short, long = make_org("short"), make_org("long")
    _history(short, 40, TODAY)
    _history(long, 900, TODAY)
    db.session.expire_all()
    found = {}
    for org in (short, long):
        figures, statements = _counted(org, METRICS)
        assert figures == _reference(org, METRICS)
        found[org.slug] = statements
    assert found["short"] == found["long"], found

    # The rows read: only the latest days, and a month for the derived metrics.
    seen: list[int] = []
    from collab.kpis import totals

    real = totals.db.session.execute

    def execute(statement, *args, **kwargs):
        result = real(statement, *args, **kwargs)
        rows = result.all()
        seen.append(len(rows))
        return _Rows(rows)

    totals.db.session.execute = execute
    try:
        for org in (short, long):
            current_figures(org, METRICS)
    finally:
        totals.db.session.execute = real
    assert seen[: len(seen) // 2] == seen[len(seen) // 2 :], seen
    assert max(seen) <= 6 * 33, seen


class _Rows(list):
    def one(self):
        (row,) = self
        return row
