"""KPI files as the tools wrote them, into the store: read with the organisation's metrics and
its remembered column choices, checked against its currency, then recorded all or nothing.

The API (``POST /api/v1/orgs/{org}/kpis/files``), the import page and its background job all
come through here, so they accept and refuse the same files with the same words. Nothing here
commits; writes happen inside a savepoint (collab.platform.transactions), so a refusal leaves
the caller's transaction as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from flask_babel import gettext
from sqlalchemy import select

from collab.kpis import custom_metrics, recording
from collab.kpis.files import KpiFile, KpiFileError, UnmappedColumn, read_kpi_file
from collab.kpis.files.results import column_key, shown
from collab.kpis.files.sources import SOURCES
from collab.kpis.metrics import UNITS, MetricDef
from collab.kpis.money import currency_of
from collab.models import Membership, Organization
from collab.models.kpis import KpiFileMapping
from collab.platform.clock import local_today, utcnow
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.platform.transactions import savepoint

Progress = Callable[[int, int], None]
MAX_LABEL = 200


class KpiFileRefused(ValidationFailed):
    """A file refused as a whole (422): ``message`` names the file, the line, what was expected
    and what to do; ``fields`` every offending row or column; ``unmapped`` the columns that a
    remembered choice could take (the page offers them, the API lists them)."""

    def __init__(
        self, message: str, fields: dict[str, str], unmapped: Sequence[UnmappedColumn] = ()
    ):
        super().__init__(message, fields)
        self.unmapped = tuple(unmapped)


def offered(column: UnmappedColumn) -> dict:
    """An unmapped column as the API lists it."""
    return {
        "source": column.source,
        "column": column.column,
        "file": column.file,
        "examples": list(column.examples),
        "unit": column.unit,
        "lower_is_better": column.lower_is_better,
    }


def remembered_mapping(org: Organization) -> dict[str, dict[str, str | None]]:
    """{source: {column key: metric, or None to ignore}} as chosen for this organisation."""
    mapping: dict[str, dict[str, str | None]] = {}
    for row in db.session.scalars(
        select(KpiFileMapping).where(KpiFileMapping.organization_id == org.id)
    ):
        mapping.setdefault(row.source, {})[row.column_key] = row.metric
    return mapping


def read_file(org: Organization, name: str, data: bytes, channel: str | None = None) -> KpiFile:
    """The file read for this organisation (its metrics, remembered choices and today);
    KpiFileRefused when nothing can be imported."""
    definitions = custom_metrics.metric_definitions(org)
    try:
        read = read_kpi_file(
            name,
            data,
            channel if channel else None,
            remembered_mapping(org),
            metrics=definitions,
            today=local_today(org.timezone),
        )
    except KpiFileError as refusal:
        raise _refused(refusal) from None
    _check_currency(org, read, definitions)
    # The reader's words for what was left out and how rows were read (English unasked).
    return replace(
        read,
        skipped=tuple(map(read.said, read.skipped)),
        notes=tuple(map(read.said, read.notes)),
    )


def _refused(refusal: KpiFileError) -> KpiFileRefused:
    fields = refusal.fields_said()
    for column in refusal.unmapped:
        examples = ", ".join(column.examples)
        where = f"{column.file}, column '{column.column}'"  # a key, as API.md names rows
        said = gettext("numbers that no metric takes")
        if examples:
            said += " " + gettext("(e.g. %(examples)s)", examples=examples)
        if column.source in SOURCES:
            advice = gettext(
                "choose a metric for this column on the KPI import page: the choice is "
                "remembered for every later %(source)s file",
                source=SOURCES[column.source].title,
            )
        else:
            advice = gettext(
                "choose a metric for this column on the KPI import page: the choice is "
                "remembered for every later such file"
            )
        fields[where] = f"{said}; {advice}"
    if not fields:
        fields = {"file": refusal.short.said()}
    return KpiFileRefused(refusal.said(), fields, refusal.unmapped)


def _check_currency(org: Organization, read: KpiFile, definitions: dict[str, MetricDef]) -> None:
    """Amounts are never converted: a file that states another currency for its money is
    refused (a file with no money in it may say what it likes)."""
    if not read.currency:
        return
    stated = read.currency.upper()
    ours = currency_of(org.currency).code
    money = [m for m in read.metrics if m in definitions and definitions[m].unit == "money"]
    if stated == ours or not money:
        return
    raise KpiFileRefused(
        gettext(
            "%(file)s: the amounts in this report are in %(stated)s, but %(org)s keeps its "
            "money in %(ours)s. Nothing was imported. Download the report from an account "
            "billed in %(code)s; or, if all of %(org)s's amounts are in %(stated)s, a director "
            "can change the currency in Settings first.",
            file=read.name,
            stated=shown(stated, 8),
            org=org.name,
            ours=str(currency_of(ours)),
            code=ours,
        ),
        {
            "currency": gettext(
                "%(stated)s in the file; expected %(code)s", stated=shown(stated, 8), code=ours
            )
        },
    )


def answer(read: KpiFile, counts: dict) -> dict:
    """What the API answers: ``{source, inserted, updated, unchanged, metrics, from, to,
    skipped}``."""
    summary = read.summary()
    return {
        "source": summary["source"],
        "inserted": counts["inserted"],
        "updated": counts["updated"],
        "unchanged": counts["unchanged"],
        "metrics": summary["metrics"],
        "from": summary["from"],
        "to": summary["to"],
        "skipped": summary["skipped"],
    }


def plan_file(org: Organization, read: KpiFile) -> dict:
    """What importing ``read`` would do now: {inserted, updated, unchanged}."""
    return recording.plan_kpis(org, read.observations)


def import_file(
    org: Organization,
    name: str,
    data: bytes,
    channel: str | None = None,
    progress: Progress | None = None,
) -> dict:
    """Reads and records a file, all or nothing. Raises KpiFileRefused (422) or Conflict (a
    concurrent import wrote the same new days); the same file twice changes nothing."""
    read = read_file(org, name, data, channel)
    counts = recording.record_kpis(org, read.observations, progress)
    return answer(read, counts)


# --- remembered choices --------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnChoice:
    """What a person chose for a column no metric took. ``action`` is "metric" (an existing
    one, ``metric``), "new" (a metric of the organisation's own: ``metric``, ``unit``,
    ``lower_is_better``) or "ignore"."""

    source: str
    column: str  # as the tool wrote it
    action: str
    metric: str = ""
    unit: str = ""
    lower_is_better: bool = False
    field: str = ""  # how the form names this choice, for errors


def remember_choices(actor: Membership, org: Organization, choices: Sequence[ColumnChoice]) -> int:
    """Saves the choices for every later file of each source (new metrics are defined first).
    All or nothing: ValidationFailed naming each bad choice by its ``field``. Returns how many
    choices were saved."""
    definitions = custom_metrics.metric_definitions(org)
    errors: dict[str, str] = {}
    for choice in choices:
        problem = _problem(choice, definitions)
        if problem:
            errors[choice.field or choice.column] = problem
    if errors:
        raise ValidationFailed(gettext("the column choices were not saved"), errors)
    existing = {
        (row.source, row.column_key): row
        for row in db.session.scalars(
            select(KpiFileMapping).where(KpiFileMapping.organization_id == org.id)
        )
    }
    with savepoint():
        for choice in choices:
            metric = None if choice.action == "ignore" else choice.metric.strip().lower()
            if choice.action == "new" and metric not in definitions:
                try:
                    custom_metrics.define_metric(
                        actor, org, metric, choice.unit, choice.lower_is_better
                    )
                except ValidationFailed as refused:
                    raise ValidationFailed(
                        gettext("the column choices were not saved"),
                        {choice.field or choice.column: "; ".join(refused.fields.values())},
                    ) from None
                definitions = custom_metrics.metric_definitions(org)
            key = column_key(choice.column)
            row = existing.get((choice.source, key))
            if row is None:
                row = existing[(choice.source, key)] = KpiFileMapping(
                    organization_id=org.id, source=choice.source, column_key=key
                )
                db.session.add(row)
            row.label = shown(choice.column, MAX_LABEL)
            row.metric = metric
            row.updated_by_id = actor.user_id
            row.updated_at = utcnow()
        db.session.flush()
    return len(choices)


def _problem(choice: ColumnChoice, definitions: dict[str, MetricDef]) -> str | None:
    if choice.source not in SOURCES:
        return gettext("an export collab does not read")
    if not column_key(choice.column) or len(column_key(choice.column)) > MAX_LABEL:
        return gettext("a column name of 1 to %(count)s characters", count=MAX_LABEL)
    name = choice.metric.strip().lower()
    if choice.action == "ignore":
        return None
    if choice.action == "metric":
        metric = definitions.get(name)
        if metric is None:
            return gettext("no metric is called %(name)s", name=repr(shown(name, 64)))
        if metric.derived:
            return gettext("%(name)s is computed from other metrics, never imported", name=name)
        return None
    if choice.action == "new":
        if name in definitions:
            return gettext("%(name)s exists already: choose it from the list instead", name=name)
        if choice.unit not in UNITS:
            return gettext("choose a unit: %(units)s", units=", ".join(UNITS))
        return None
    return gettext("choose a metric, a new metric, or ignore")


def mappings_of(org: Organization) -> list[KpiFileMapping]:
    """The remembered choices, by source and column, for the import page."""
    return list(
        db.session.scalars(
            select(KpiFileMapping)
            .where(KpiFileMapping.organization_id == org.id)
            .order_by(KpiFileMapping.source, KpiFileMapping.column_key)
        )
    )


def forget_choice(org: Organization, mapping_id: int) -> bool:
    """Drops a remembered choice: the column is offered again with the next file."""
    row = db.session.get(KpiFileMapping, mapping_id)
    if row is None or row.organization_id != org.id:
        return False
    with savepoint():
        db.session.delete(row)
        db.session.flush()
    return True
