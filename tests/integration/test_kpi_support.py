"""Arrangements shared by the KPI and impact tests (no tests here).

Data goes in through collab's own functions, as the API and the upload form would write it.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from collab.kpis.input import Observation
from collab.kpis.recording import record_kpis
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.work.tasks import update_task
from tests.support.factories import make_recommendation, membership

TODAY = utcnow().date()


def daily_series(
    days: int,
    level: float = 1000.0,
    step_on: int | None = None,
    step: float = 0.0,
    seed: int = 1,
) -> np.ndarray:
    """A weekly rhythm, AR(1) persistence and, from day ``step_on``, a relative step."""
    rng = np.random.default_rng(seed)
    shocks = rng.normal(0.0, 0.03, days)
    noise = np.zeros(days)
    for i in range(1, days):
        noise[i] = 0.6 * noise[i - 1] + shocks[i]
    weekly = 1.0 + 0.2 * np.sin(2 * math.pi * np.arange(days) / 7)
    values = level * weekly * (1.0 + noise)
    if step_on is not None:
        values[step_on:] *= 1.0 + step
    return np.round(values, 3)


def record_series(
    org,
    metric: str,
    first: dt.date,
    values,
    channel: str = "",
) -> dict:
    observations = [
        Observation(metric, first + dt.timedelta(days=i), float(v), channel)
        for i, v in enumerate(values)
        if v is not None and not (isinstance(v, float) and math.isnan(v))
    ]
    counts = record_kpis(org, observations)
    db.session.commit()
    return counts


def at(day: dt.date, hour: int = 12) -> str:
    return dt.datetime.combine(day, dt.time(hour), dt.UTC).isoformat()


def completed_task(
    org,
    director,
    category: str,
    completed: dt.date,
    started: dt.date | None = None,
    title: str | None = None,
):
    """A task of ``category`` that the director backfilled as done on ``completed``."""
    recommendation = make_recommendation(
        org, director, title=title or f"Work of {category} done {completed}", category=category
    )
    task = recommendation.tasks[0]
    actor = membership(director, org)
    update_task(actor, task, {"status": "todo"}, task.version)
    changes = {"status": "in_progress"}
    if started is not None:
        changes["started_at"] = at(started)
    update_task(actor, task, changes, task.version)
    update_task(actor, task, {"status": "done", "completed_at": at(completed)}, task.version)
    if started is None:
        task.started_at = None  # the start was never recorded
    db.session.commit()
    return task
