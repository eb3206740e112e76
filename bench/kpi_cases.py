"""Bench cases for KPIs and impacts (appended to bench.cases.ALL).

impact_run: the impact job over 1,000 and 10,000 completed tasks, three metrics each, two
years of daily data. ``median_ms`` is a cold run (no impact stored yet, the median of three;
``cpu_ms`` its CPU time);
``rerun_ms`` a run over unchanged data (fingerprints match, nothing measured again).

kpi_import: 100,000 CSV rows checked and upserted (then the same file again, all unchanged).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
import time

import numpy as np
from sqlalchemy import delete, func, insert, select

from bench.data import org_with_people, recommendations
from bench.harness import bench_app
from collab.impacts import job as impacts
from collab.kpis.file_imports import import_file
from collab.models import Task
from collab.models.kpis import KpiObservation, TaskImpact
from collab.platform.clock import utcnow
from collab.platform.extensions import db

# (completed tasks, days of KPI history): the last run shows the cost per task stays flat
# when the history doubles (measure_change looks back two years at most).
IMPACT_SIZES = ((1_000, 730), (10_000, 730), (1_000, 1_460))
HISTORY_DAYS = 730  # tasks are completed within the last two years
CATEGORY = "page_speed"  # lcp_ms, bounce_rate, conversion_rate: three metrics


def _kpi_history(org, days: int, seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    today = dt.date.today()
    first = today - dt.timedelta(days=days - 1)
    rows = []
    for metric, level in (("lcp_ms", 3200.0), ("bounce_rate", 55.0), ("conversion_rate", 2.1)):
        noise = np.zeros(days)
        shocks = rng.normal(0, 0.05, days)
        for i in range(1, days):
            noise[i] = 0.8 * noise[i - 1] + shocks[i]
        weekly = 1 + 0.3 * np.sin(2 * math.pi * np.arange(days) / 7)
        values = level * weekly * (1 + noise)
        now = utcnow()
        rows += [
            {
                "organization_id": org.id,
                "metric": metric,
                "day": first + dt.timedelta(days=i),
                "channel": "",
                "value": float(round(v, 3)),
                "updated_at": now,
            }
            for i, v in enumerate(values)
        ]
    db.session.execute(insert(KpiObservation), rows)
    db.session.commit()


def _done_tasks(org, n: int, seed: int = 5) -> None:
    """n done tasks spread over the two years, each started 0-30 days before completion."""
    rng = random.Random(seed)
    now = utcnow()
    for start in range(0, n, 5_000):
        size = min(5_000, n - start)
        recs = recommendations(org, size, now, first=start)
        rows = []
        for i, rec_id in enumerate(recs):
            completed = now - dt.timedelta(
                days=rng.randint(0, HISTORY_DAYS - 1), hours=rng.random()
            )
            rows.append(
                {
                    "organization_id": org.id,
                    "recommendation_id": rec_id,
                    "title": f"Speed up page {start + i}",
                    "category": CATEGORY,
                    "team": "it",
                    "status": "done",
                    "priority": "medium",
                    "priority_rank": 2,
                    "started_at": completed - dt.timedelta(days=rng.randint(0, 30)),
                    "completed_at": completed,
                    "status_changed_at": completed,
                    "routed_team": "it",
                    "routed_category": CATEGORY,
                    "routing_reason": "bench",
                    "version": 1,
                    "created_at": now,
                    "waiting_on_agency": False,
                }
            )
        db.session.execute(insert(Task), rows)
    db.session.commit()


def impact_run():
    """The impact job at 1,000 and 10,000 completed tasks, three metrics each: cold (no impact
    stored yet), then again over unchanged data (fingerprints match: nothing re-measured)."""
    for n, history in IMPACT_SIZES:
        with bench_app():
            org, _ = org_with_people()
            _kpi_history(org, history)
            _done_tasks(org, n)
            cold, cpu = [], []
            for _ in range(3):
                db.session.execute(delete(TaskImpact))
                db.session.commit()
                started, started_cpu = time.perf_counter(), time.process_time()
                line = impacts.run_impact()
                cold.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            started = time.perf_counter()
            rerun_line = impacts.run_impact()
            rerun = time.perf_counter() - started
            stored = db.session.scalar(select(func.count()).select_from(TaskImpact))
            median = statistics.median(cold)
            yield {
                "case": "impact_run",
                "n": n,
                "median_ms": round(median * 1000, 1),
                # This process's CPU time: comparable on a shared machine, where wall time is not.
                "cpu_ms": round(statistics.median(cpu) * 1000, 1),
                "per_task_ms": round(median * 1000 / n, 3),
                "rerun_ms": round(rerun * 1000, 1),
                "impacts": stored,
                "history_days": history,
                "job": line,
                "rerun": rerun_line,
            }


def _csv(rows: int) -> str:
    metrics = ("leads", "spend", "staff_cost", "revenue", "organic_sessions")
    channels = ("organic", "paid_search", "email", "social", "events", "referral", "")
    per_day = len(metrics) * len(channels)
    days = -(-rows // per_day)
    today = dt.date.today()
    lines = ["date,metric,value,channel"]
    for offset in range(days):
        day = (today - dt.timedelta(days=offset)).isoformat()
        for metric in metrics:
            for channel in channels:
                lines.append(f"{day},{metric},{(offset * 7) % 300 + 1}.5,{channel}")
    return "\n".join(lines[: rows + 1]) + "\n"


def kpi_import():
    """100,000 rows of CSV checked and upserted into an empty store, then re-imported."""
    rows = 100_000
    with bench_app():
        org, _ = org_with_people()
        data = _csv(rows).encode()
        started = time.perf_counter()
        counts = import_file(org, "kpis.csv", data)
        db.session.commit()
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = import_file(org, "kpis.csv", data)
        db.session.commit()
        second = time.perf_counter() - started
        assert counts["inserted"] == rows and again["unchanged"] == rows
        yield {
            "case": "kpi_import",
            "n": rows,
            "median_ms": round(first * 1000, 1),
            "rows_per_s": round(rows / first),
            "reimport_rows_per_s": round(rows / second),
        }


ALL = [impact_run, kpi_import]
