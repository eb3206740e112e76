"""seed_demo_kpis: a year of daily KPIs in which some completed work really moved a metric."""

from __future__ import annotations

from sqlalchemy import func, select

from collab.demo.kpis import seed_demo_kpis
from collab.impacts.ledger import impact_ledger
from collab.models import Organization, Task
from collab.models.kpis import KpiObservation, TaskImpact
from collab.platform.extensions import db


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_kpis_show_real_effects_and_are_idempotent(app):
    from collab.demo.seed import seed_demo

    seed_demo()  # calls seed_demo_kpis for each client organisation
    org = db.session.scalar(select(Organization).where(Organization.slug == "techsoft"))
    if not db.session.scalar(select(KpiObservation.id).limit(1)):
        assert seed_demo_kpis(org) is True
        db.session.commit()
    observations, tasks = _count(KpiObservation), _count(Task)
    assert observations > 365 * 20

    verdicts = {
        (title, metric): (verdict, confounders)
        for title, metric, verdict, confounders in db.session.execute(
            select(Task.title, TaskImpact.metric, TaskImpact.verdict, TaskImpact.confounder_count)
            .join(Task, Task.id == TaskImpact.task_id)
            .where(TaskImpact.status == "measured", TaskImpact.organization_id == org.id)
        )
    }
    assert verdicts[("Compress and lazy-load product images", "lcp_ms")][0] == "improved"
    assert verdicts[("Fix 404s left by the catalogue migration", "not_found_count")][0] == (
        "improved"
    )
    assert verdicts[("Rewrite meta titles of the 50 most visited pages", "search_ctr")][0] == (
        "improved"
    )
    # Two pieces of work finished within days of each other: both flagged.
    assert verdicts[("New copy for the pricing landing page", "leads")][1] >= 1
    # Work that moved nothing is shown as such.
    assert verdicts[("Refresh ten old blog posts", "organic_sessions")][0] == "no_change"

    ledger, total = impact_ledger(org)
    assert total >= 8 and ledger[0]["verdict"] == "improved"

    assert seed_demo_kpis(org) is False  # idempotent: nothing added the second time
    seed_demo()
    assert (_count(KpiObservation), _count(Task)) == (observations, tasks)
