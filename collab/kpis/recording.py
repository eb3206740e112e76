"""Getting daily KPI observations in: checked all or nothing, then upserted.

Observations are keyed by (organisation, metric, day, channel); channel ``''`` is the figure
for all channels together. Nothing here commits: the request or the job that called does, and
a refused write leaves the rest of its transaction as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask_babel import gettext
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from collab.kpis import input as kpi_input
from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.input import Observation, RowErrors
from collab.models import Organization, facts_changed
from collab.models.kpis import KpiObservation
from collab.platform.clock import local_today, utcnow
from collab.platform.errors import Conflict, ValidationFailed
from collab.platform.extensions import db
from collab.platform.queue import later
from collab.platform.transactions import savepoint

WRITE_CHUNK = 5_000

Progress = Callable[[int, int], None]


def _refused(error: RowErrors) -> ValidationFailed:
    return ValidationFailed(error.said(), error.fields_said())


def validate_json(org: Organization, items) -> list[Observation]:
    """The ``observations`` of an API body, checked all or nothing (ValidationFailed)."""
    try:
        return kpi_input.validate_observations(
            items, local_today(org.timezone), metric_definitions(org)
        )
    except RowErrors as error:
        raise _refused(error) from None


def _existing(org_id: int, observations: Sequence[Observation]) -> dict[tuple, tuple]:
    """(metric, day, channel) -> (id, value) of what is stored in the batch's date range."""
    first = min(o.date for o in observations)
    last = max(o.date for o in observations)
    found: dict[tuple, tuple] = {}
    for metric in sorted({o.metric for o in observations}):
        rows = db.session.execute(
            select(
                KpiObservation.id, KpiObservation.day, KpiObservation.channel, KpiObservation.value
            ).where(
                KpiObservation.organization_id == org_id,
                KpiObservation.metric == metric,
                KpiObservation.day.between(first, last),
            )
        )
        for row_id, day, channel, value in rows:
            found[(metric, day, channel)] = (row_id, value)
    return found


def _classify(org_id: int, observations: Sequence[Observation]):
    existing = _existing(org_id, observations) if observations else {}
    new, changed, unchanged = [], [], 0
    for o in observations:
        known = existing.get((o.metric, o.date, o.channel))
        if known is None:
            new.append(o)
        elif known[1] != o.value:
            changed.append((known[0], o.value))
        else:
            unchanged += 1
    return new, changed, unchanged


def plan_kpis(org: Organization, observations: Sequence[Observation]) -> dict:
    """What record_kpis would do, without writing: {inserted, updated, unchanged}."""
    new, changed, unchanged = _classify(org.id, observations)
    return {"inserted": len(new), "updated": len(changed), "unchanged": unchanged}


def record_kpis(
    org: Organization, observations: Sequence[Observation], progress: Progress | None = None
) -> dict:
    """Upserts clean observations by (organisation, metric, day, channel).

    Returns {inserted, updated, unchanged}; the same batch twice inserts nothing the second
    time. Writes in the caller's transaction (the caller commits); ``progress(done, total)``
    is told after every chunk. When the store refuses the batch (a concurrent import wrote
    the same new keys first) this raises Conflict with nothing of it written, and the rest of
    the caller's transaction as it was."""
    total = len(observations)
    new, changed, unchanged = _classify(org.id, observations)
    done = unchanged
    now = utcnow()
    try:
        with savepoint():
            for start in range(0, len(new), WRITE_CHUNK):
                chunk = new[start : start + WRITE_CHUNK]
                db.session.execute(
                    insert(KpiObservation),
                    [
                        {
                            "organization_id": org.id,
                            "metric": o.metric,
                            "day": o.date,
                            "channel": o.channel,
                            "value": o.value,
                            "updated_at": now,
                        }
                        for o in chunk
                    ],
                )
                done += len(chunk)
                if progress:
                    progress(done, total)
            for start in range(0, len(changed), WRITE_CHUNK):
                chunk = changed[start : start + WRITE_CHUNK]
                db.session.execute(
                    update(KpiObservation),
                    [{"id": row_id, "value": value, "updated_at": now} for row_id, value in chunk],
                )
                done += len(chunk)
                if progress:
                    progress(done, total)
    except IntegrityError as exc:
        raise Conflict(
            gettext(
                "another import wrote some of the same days at the same time; nothing was "
                "imported, please send it again"
            )
        ) from exc
    if progress and not new and not changed:
        progress(total, total)
    if new or changed:
        facts_changed(org.id)  # today's figures may have moved
        # Measured again by a worker; written with the data, so it cannot be forgotten.
        later("workers.kpi_jobs.measure_org", org.id)
    return {"inserted": len(new), "updated": len(changed), "unchanged": unchanged}


def record_json(org: Organization, items) -> dict:
    """The API's POST: validate every row, then upsert them all (or raise, writing nothing)."""
    return record_kpis(org, validate_json(org, items))


def parse_upload_rows(org: Organization, text: str) -> list[Observation]:
    """parse_csv with the organisation's metrics and today; raises RowErrors."""
    return kpi_input.parse_csv(text, local_today(org.timezone), metric_definitions(org))
