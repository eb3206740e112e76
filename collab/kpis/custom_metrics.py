"""The metrics an organisation can measure: collab's own, then those it defined itself."""

from __future__ import annotations

import re

from flask_babel import gettext
from sqlalchemy import select

from collab.kpis.metrics import DEFAULT_METRICS, UNITS, MetricDef
from collab.models import Membership, Organization, facts_changed
from collab.models.kpis import KpiMetric
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db

_METRIC_NAME = re.compile(r"[a-z][a-z0-9_]{1,63}")


def metric_definitions(org: Organization | int) -> dict[str, MetricDef]:
    """The built-in metrics, then the organisation's own, by name."""
    org_id = org if isinstance(org, int) else org.id
    found = dict(DEFAULT_METRICS)
    for row in db.session.scalars(
        select(KpiMetric).where(KpiMetric.organization_id == org_id).order_by(KpiMetric.name)
    ):
        found[row.name] = MetricDef(row.name, row.unit, lower_is_better=row.lower_is_better)
    return found


def define_metric(
    actor: Membership, org: Organization, name: str, unit: str, lower_is_better: bool
) -> KpiMetric:
    """Adds a metric of the organisation's own (e.g. ``demo_requests``)."""
    errors = {}
    name = (name or "").strip().lower()
    if not _METRIC_NAME.fullmatch(name):
        errors["name"] = gettext(
            "2-64 characters: lower-case letters, digits and _, starting with a letter"
        )
    elif name in metric_definitions(org):
        errors["name"] = gettext("%(name)s already exists", name=name)
    if unit not in UNITS:
        errors["unit"] = gettext("one of %(choices)s", choices=", ".join(UNITS))
    if errors:
        raise ValidationFailed(gettext("the metric was not added"), errors)
    metric = KpiMetric(
        organization_id=org.id,
        name=name,
        unit=unit,
        lower_is_better=bool(lower_is_better),
        created_by_id=actor.user_id,
    )
    db.session.add(metric)
    db.session.flush()
    facts_changed(org.id)
    return metric
