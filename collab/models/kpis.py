"""KPI definitions, daily observations, category -> metrics maps and measured impacts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from collab.platform.clock import UTCDateTime, utcnow
from collab.platform.extensions import db


class KpiMetric(db.Model):
    """A metric an organisation defined beyond the built-in ones (kpi_input.DEFAULT_METRICS)."""

    __tablename__ = "kpi_metric"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(16))
    lower_is_better: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("organization_id", "name"),)


class KpiObservation(db.Model):
    """One daily value of one metric, for one channel or ('') for all channels together.

    ``channel`` is NOT NULL so that the unique key holds: NULLs never collide, and a second
    "all channels" row for the same day would otherwise slip in beside the first."""

    __tablename__ = "kpi_observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(64), default="", server_default="")
    value: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        # The upsert key; its index also serves every read (a metric's days in a range).
        UniqueConstraint("organization_id", "metric", "day", "channel"),
    )


class KpiFileMapping(db.Model):
    """What an organisation chose for a column of a tool's export that no metric takes:
    a metric, or ``None`` to ignore it. Applied to every later file of the same source, on
    the import page and through the API.

    ``column_key`` is the column's name with case and spacing folded
    (``collab.kpis.files.results.column_key``); ``label`` is the name as the tool wrote it."""

    __tablename__ = "kpi_file_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))
    column_key: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str | None] = mapped_column(String(64))
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("organization_id", "source", "column_key"),)


class CategoryMetrics(db.Model):
    """An organisation's own choice of the metrics a category of work is measured against.

    Without a row, the category's built-in metrics (routing.CATEGORIES) apply."""

    __tablename__ = "category_metrics"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    metrics: Mapped[str] = mapped_column(Text, default="")  # comma-separated, in order
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MetricMateriality(db.Model):
    """How large a change of one metric must be to matter, as an organisation's directors set
    it (in percent, plus or minus). Without a row, collab.kpis.verdicts.DEFAULT_MATERIAL_PCT.

    An impact is ``no_change`` only when its whole 95% interval lies within it."""

    __tablename__ = "metric_materiality"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(String(64), primary_key=True)
    material_pct: Mapped[float] = mapped_column(Float)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("material_pct > 0 AND material_pct <= 100", name="material_pct"),
    )


class TaskImpact(db.Model):
    """The measured (or still awaited) change of one metric after one completed task.

    ``result`` is the impact of the public API without ``metric`` and ``confounders``; the
    columns beside it are copies that the ledger, badges and history sort and filter by.
    ``fingerprint`` digests every input of the measurement, so the job skips what it has
    already measured from the same data."""

    __tablename__ = "task_impact"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(24))
    # improved, worsened, no_change or inconclusive once measured; NULL while waiting for data.
    verdict: Mapped[str | None] = mapped_column(String(16))
    change_pct: Mapped[float | None] = mapped_column(Float)
    p_value: Mapped[float | None] = mapped_column(Float)
    # The least improvement the 95% interval allows, in percent, in the metric's good
    # direction: the ledger ranks by it, so a large but uncertain change does not lead.
    score: Mapped[float | None] = mapped_column(Float)
    confounder_count: Mapped[int] = mapped_column(Integer, default=0)
    completed_on: Mapped[date] = mapped_column(Date)
    result: Mapped[dict] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64))
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("task_id", "metric"),
        CheckConstraint("status IN ('waiting_for_data', 'measured')", name="status"),
        CheckConstraint(
            "verdict IS NULL OR verdict IN ('improved', 'worsened', 'no_change', 'inconclusive')",
            name="verdict",
        ),
        Index("ix_task_impact_ledger", "organization_id", "status", "score"),
    )
