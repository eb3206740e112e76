"""How large a change of each metric must be to matter to an organisation.

An impact is ``no_change`` only when its whole 95% interval lies within plus or minus this
many percent (collab.kpis.verdicts); the directors set it per metric on the KPI map page,
and a metric without a setting uses the default of 10%.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from flask_babel import gettext
from sqlalchemy import select

from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.verdicts import DEFAULT_MATERIAL_PCT
from collab.models import Membership, Organization
from collab.models.kpis import MetricMateriality
from collab.platform.clock import utcnow
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db

HIGHEST_PCT = 100.0


def material_pcts(org: Organization | int) -> dict[str, float]:
    """The organisation's own settings, by metric (metrics without one use the default)."""
    org_id = org if isinstance(org, int) else org.id
    rows = db.session.execute(
        select(MetricMateriality.metric, MetricMateriality.material_pct).where(
            MetricMateriality.organization_id == org_id
        )
    )
    return dict(rows.tuples().all())


def set_material_pcts(
    actor: Membership, org: Organization, wanted: Mapping[str, str | float | None]
) -> int:
    """A director's settings, by metric: a percentage above 0 and at most 100, or blank (or
    the default) for the default. All or nothing: any bad value raises ValidationFailed
    naming it, and the caller rolls back. Returns how many metrics changed."""
    definitions = metric_definitions(org)
    current = material_pcts(org)
    errors: dict[str, str] = {}
    chosen: dict[str, float | None] = {}
    for metric, raw in wanted.items():
        if metric not in definitions:
            errors[metric] = gettext(
                "not a metric of this organisation; choose one from the list of metrics"
            )
            continue
        text = "" if raw is None else str(raw).strip().rstrip("%").strip().replace(",", ".")
        if not text:
            chosen[metric] = None
            continue
        try:
            value = float(text)
        except ValueError:
            errors[metric] = gettext(
                "%(value)s is not a percentage; write a number, e.g. 10", value=repr(str(raw))
            )
            continue
        if not (math.isfinite(value) and 0.0 < value <= HIGHEST_PCT):
            errors[metric] = gettext(
                "%(value)s is out of range; give more than 0 and at most %(most)s",
                value=text,
                most=f"{HIGHEST_PCT:.0f}",
            )
            continue
        chosen[metric] = None if value == DEFAULT_MATERIAL_PCT else value
    if errors:
        raise ValidationFailed(gettext("the materiality was not changed"), errors)
    changed = 0
    for metric, value in chosen.items():
        if current.get(metric) == value:
            continue
        row = db.session.get(MetricMateriality, (org.id, metric))
        if value is None:
            if row is None:
                continue
            db.session.delete(row)
        elif row is None:
            db.session.add(
                MetricMateriality(
                    organization_id=org.id,
                    metric=metric,
                    material_pct=value,
                    updated_by_id=actor.user_id,
                )
            )
        else:
            row.material_pct = value
            row.updated_by_id = actor.user_id
            row.updated_at = utcnow()
        changed += 1
    db.session.flush()
    return changed
