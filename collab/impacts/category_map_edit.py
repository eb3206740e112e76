"""A director's edit of the whole category -> metrics map in one go (the map page's form).

The map itself, and the rules for one category's choice, are collab.impacts.metric_map's
category_map and set_metrics_for; this only works out which categories the edit changes."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from collab.impacts.metric_map import category_map, set_metrics_for
from collab.kpis.custom_metrics import metric_definitions
from collab.models import Membership, Organization
from collab.work import routing


def edit_category_map(
    actor: Membership,
    org: Organization,
    ticked: Mapping[str, Collection[str]],
    reset: Collection[str] = (),
) -> int:
    """Each category measured against the metrics ticked for it (none ticked: none), or its
    default again when in ``reset``; names that are no metric of the organisation are
    ignored. Metrics kept keep their order, new ones follow in the order metrics are
    defined. Returns how many categories changed; raises ValidationFailed (too many
    metrics), and the caller rolls back."""
    current = category_map(org)
    definitions = metric_definitions(org)
    changed = 0
    for category, default in routing.CATEGORIES.items():
        if category == routing.UNCATEGORISED:
            continue
        if category in reset:
            wanted = default.metrics
        else:
            chosen = set(ticked.get(category, ()))
            kept = [m for m in current[category] if m in chosen]
            wanted = tuple(kept + [m for m in definitions if m in chosen and m not in kept])
        if wanted != current[category]:
            set_metrics_for(actor, org, category, wanted)
            changed += 1
    return changed
