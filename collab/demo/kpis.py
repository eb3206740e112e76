"""A year of demo KPIs in which some finished tasks really moved a metric."""

from __future__ import annotations

import datetime as dt
import zlib
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select

from collab.impacts.measuring import measure_org
from collab.kpis.input import Observation
from collab.kpis.recording import record_kpis
from collab.models import Membership, Organization, Recommendation
from collab.models.accounts import DIRECTOR_OF_TEAM
from collab.models.kpis import KpiObservation, MetricMateriality
from collab.platform.clock import local_today
from collab.platform.extensions import db
from collab.work.recommendations import file_recommendation
from collab.work.tasks import update_task

DEMO_CHANNELS = {
    # channel: (leads a day, spend a day, staff cost a day, revenue per lead)
    "organic": (9.0, 0.0, 420.0, 900.0),
    "paid_search": (7.0, 2600.0, 260.0, 820.0),
    "email": (3.0, 90.0, 240.0, 1100.0),
    "social": (2.5, 700.0, 200.0, 650.0),
    "events": (1.2, 0.0, 380.0, 1600.0),
}


# Tasks filed and completed (in the past, as a director backfilling history would record
# them) so that the demo shows measured effects; the data below really moves with them.
# (external id, title, category, days ago started, days ago completed, {metric: step})
DEMO_HISTORY = [
    (
        "demo-kpi-01",
        "Compress and lazy-load product images",
        "page_speed",
        214,
        200,
        {"lcp_ms": -0.30, "bounce_rate": -0.08, "conversion_rate": +0.10},
    ),
    (
        "demo-kpi-02",
        "Fix 404s left by the catalogue migration",
        "broken_links",
        162,
        150,
        {"not_found_count": -0.85, "organic_sessions": +0.07},
    ),
    (
        "demo-kpi-03",
        "Rewrite meta titles of the 50 most visited pages",
        "meta_tags",
        122,
        112,
        {"search_ctr": +0.16},
    ),
    (
        "demo-kpi-04",
        "New copy for the pricing landing page",
        "landing_copy",
        84,
        72,
        {"conversion_rate": +0.12, "leads": +0.15},
    ),
    ("demo-kpi-05", "Fix the lead form tracking tag", "analytics_tracking", 75, 69, {}),
    ("demo-kpi-06", "Refresh ten old blog posts", "content_marketing", 58, 45, {}),
]


# The directors' materiality in the demo: organic sessions wander by several percent from month
# to month, and they do not count a change within 15% as one.
DEMO_MATERIALITY = {"organic_sessions": 15.0}

DEMO_SITE = {
    # metric: (level, weekly swing, persistence noise)
    "organic_sessions": (5200.0, 0.30, 0.02),
    "search_ctr": (2.4, 0.08, 0.04),
    "conversion_rate": (1.9, 0.15, 0.05),
    "lcp_ms": (3400.0, 0.05, 0.04),
    "not_found_count": (1200.0, 0.02, 0.03),
    "bounce_rate": (58.0, 0.05, 0.03),
}


def seed_demo_kpis(org: Organization, days: int = 365) -> bool:
    """A year of daily KPIs for the demo, in which some backfilled completed tasks really
    moved a metric (and others did not). Idempotent: an organisation that already has KPI
    data is left alone. Returns whether anything was written."""
    if db.session.scalar(
        select(KpiObservation.id).where(KpiObservation.organization_id == org.id).limit(1)
    ):
        return False
    today = local_today(org.timezone)
    _seed_demo_history(org, today)
    db.session.add_all(
        MetricMateriality(organization_id=org.id, metric=metric, material_pct=pct)
        for metric, pct in DEMO_MATERIALITY.items()
        if db.session.get(MetricMateriality, (org.id, metric)) is None
    )
    first = today - dt.timedelta(days=days)
    rng = np.random.default_rng(zlib.crc32(org.slug.encode()))
    steps = _demo_steps(today, first, days)
    weekday = np.array([(first + dt.timedelta(days=i)).weekday() for i in range(days)])
    weekend = np.where(weekday >= 5, 0.55, 1.0)

    def noise(spread: float) -> np.ndarray:
        shocks = rng.normal(0.0, spread, days + 50)
        out = np.zeros(days + 50)
        for i in range(1, days + 50):
            out[i] = 0.8 * out[i - 1] + shocks[i]
        return 1.0 + out[50:]

    observations: list[Observation] = []

    def add(metric: str, channel: str, values: np.ndarray, digits: int) -> None:
        for i, value in enumerate(values):
            day = first + dt.timedelta(days=i)
            observations.append(
                Observation(metric, day, round(max(float(value), 0.0), digits), channel)
            )

    for metric, (level, swing, spread) in DEMO_SITE.items():
        week = 1.0 + swing * np.where(weekday >= 5, -1.0, 0.4)
        digits = 0 if metric in ("organic_sessions", "lcp_ms", "not_found_count") else 2
        add(metric, "", level * week * noise(spread) * steps.get(metric, 1.0), digits)
    lead_step = steps.get("leads", 1.0)
    for channel, (leads, spend, staff, revenue_per_lead) in DEMO_CHANNELS.items():
        daily_leads = np.round(rng.poisson(leads * weekend * noise(0.05) * lead_step))
        add("leads", channel, daily_leads, 0)
        if spend:
            add("spend", channel, spend * weekend * noise(0.03), 2)
        add("staff_cost", channel, np.full(days, staff), 2)
        add("revenue", channel, daily_leads * revenue_per_lead * 0.3 * noise(0.1), 2)
    record_kpis(org, observations)
    db.session.flush()
    measure_org(org)
    return True


def _demo_steps(today: dt.date, first: dt.date, days: int) -> dict[str, np.ndarray]:
    steps: dict[str, np.ndarray] = {}
    offsets = np.arange(days)
    for _, _, _, _, completed_ago, moves in DEMO_HISTORY:
        changed = (today - dt.timedelta(days=completed_ago) - first).days
        for metric, step in moves.items():
            current = steps.setdefault(metric, np.ones(days))
            current *= np.where(offsets >= changed, 1.0 + step, 1.0)
    return steps


def _seed_demo_history(org: Organization, today: dt.date) -> None:
    members = {
        m.role: m
        for m in db.session.scalars(
            select(Membership).where(
                Membership.organization_id == org.id, Membership.active.is_(True)
            )
        )
    }
    filer = members.get("agency") or members.get("cio") or members.get("cmo")
    if filer is None:
        return
    zone = ZoneInfo(org.timezone)

    def moment(days_ago: int) -> str:
        day = today - dt.timedelta(days=days_ago)
        return dt.datetime.combine(day, dt.time(15, 0), zone).isoformat()

    for external_id, title, category, started_ago, completed_ago, _ in DEMO_HISTORY:
        if db.session.scalar(
            select(Recommendation.id).where(
                Recommendation.organization_id == org.id,
                Recommendation.external_id == external_id,
            )
        ):
            continue
        filing = file_recommendation(
            org, filer, {"title": title, "category": category, "external_id": external_id}
        )
        for task in filing.recommendation.tasks:
            director = members.get(DIRECTOR_OF_TEAM.get(task.team)) or members.get("cio")
            if director is None:
                continue
            update_task(director, task, {"status": "todo"}, task.version)
            update_task(
                director,
                task,
                {"status": "in_progress", "started_at": moment(started_ago)},
                task.version,
            )
            update_task(
                director,
                task,
                {"status": "done", "completed_at": moment(completed_ago)},
                task.version,
            )
    db.session.flush()
