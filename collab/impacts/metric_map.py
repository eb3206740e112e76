"""What each kind of work should move: the category -> metrics map.

Every routing category comes with the metrics its work is expected to move (page speed: load
time, bounce rate, conversion); an organisation's directors may choose others. The map decides
what a finished task is measured against, and what its training note promises.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext
from sqlalchemy import select

from collab.kpis.custom_metrics import metric_definitions
from collab.models import Membership, Organization, facts_changed
from collab.models.kpis import CategoryMetrics
from collab.platform.clock import utcnow
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.work import routing

MAX_METRICS = 8
# Control series: for a kind of work and a metric it is measured against, other metrics that
# move with that metric but that this work leaves alone, so that their move stands for what the
# metric would have done anyway (collab.kpis.counterfactual). Rewriting meta titles changes
# how often a search result is clicked, not how often it is shown; new landing-page copy or a
# CRM fix changes how many visitors become leads, not how many visitors come.
_IMPRESSIONS = {
    "search_clicks": ("search_impressions",),
    "organic_sessions": ("search_impressions",),
}
_VISITORS = {"leads": ("sessions",)}
CONTROLS: dict[str, dict[str, tuple[str, ...]]] = {
    "meta_tags": _IMPRESSIONS,
    "landing_copy": _VISITORS,
    "crm_integration": _VISITORS,
}


def category_map(org: Organization | int) -> dict[str, tuple[str, ...]]:
    """Every category's metrics for this organisation (its own choice, else the default)."""
    org_id = org if isinstance(org, int) else org.id
    found = {slug: c.metrics for slug, c in routing.CATEGORIES.items()}
    for row in db.session.scalars(
        select(CategoryMetrics).where(CategoryMetrics.organization_id == org_id)
    ):
        if row.category in found:
            found[row.category] = _split(row.metrics)
    return found


def metrics_for(org: Organization | int, category: str) -> tuple[str, ...]:
    """The metrics a finished task of ``category`` is measured against in this organisation."""
    org_id = org if isinstance(org, int) else org.id
    chosen = db.session.scalar(
        select(CategoryMetrics.metrics).where(
            CategoryMetrics.organization_id == org_id, CategoryMetrics.category == category
        )
    )
    if chosen is not None:
        return _split(chosen)
    found = routing.CATEGORIES.get(category)
    return found.metrics if found else ()


def _split(text: str) -> tuple[str, ...]:
    return tuple(name for name in (text or "").split(",") if name)


def set_metrics_for(
    actor: Membership, org: Organization, category: str, metrics: Sequence[str]
) -> tuple[str, ...]:
    """A director's choice of metrics for a category; the default again removes the choice.

    Existing impacts follow on the next run of the job (rows of dropped metrics go)."""
    if category not in routing.CATEGORIES:
        raise ValidationFailed(
            gettext("unknown category"),
            {
                "category": gettext(
                    "%(category)s is not a category; choose one from the map",
                    category=repr(category),
                )
            },
        )
    definitions = metric_definitions(org)
    chosen = tuple(dict.fromkeys(m.strip().lower() for m in metrics if m and m.strip()))
    unknown = [m for m in chosen if m not in definitions]
    if unknown:
        raise ValidationFailed(
            gettext("the map was not changed"),
            {
                category: gettext(
                    "unknown metric %(names)s; choose metrics this organisation has",
                    names=", ".join(unknown),
                )
            },
        )
    if len(chosen) > MAX_METRICS:
        raise ValidationFailed(
            gettext("the map was not changed"),
            {
                category: gettext(
                    "%(count)s metrics chosen; choose at most %(most)s",
                    count=len(chosen),
                    most=MAX_METRICS,
                )
            },
        )
    row = db.session.get(CategoryMetrics, (org.id, category))
    if chosen == routing.CATEGORIES[category].metrics:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(
            CategoryMetrics(
                organization_id=org.id,
                category=category,
                metrics=",".join(chosen),
                updated_by_id=actor.user_id,
            )
        )
    else:
        row.metrics = ",".join(chosen)
        row.updated_by_id = actor.user_id
        row.updated_at = utcnow()
    db.session.flush()
    facts_changed(org.id)
    return chosen
