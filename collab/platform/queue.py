"""The only module that talks to Redis and RQ: connections, enqueueing, the job outbox."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from redis import Redis
from rq import Queue, Retry
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlalchemy import Boolean, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from collab.platform.clock import UTCDateTime, utcnow
from collab.platform.extensions import db

log = logging.getLogger(__name__)
QUEUES = ("high", "default", "low")
# Every job has a timeout and retries with growing pauses: a flaky SMTP server or a
# database restart costs a delay, never the job.
RETRY = Retry(max=3, interval=[10, 60, 300])
TIMEOUT = 600


class OutboxJob(db.Model):
    """A follow-up job (measure a finished task's impact, ...) written with the change
    that needs it, and handed to RQ by the relay whenever Redis is there to take it."""

    __tablename__ = "outbox_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    function: Mapped[str] = mapped_column(String(200))
    argument: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    job_id: Mapped[str | None] = mapped_column(String(100))
    failed: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index(
            "ix_outbox_job_pending",
            "id",
            sqlite_where=db.text("enqueued_at IS NULL"),
            postgresql_where=db.text("enqueued_at IS NULL"),
        ),
    )


def redis_connection(timeout: float = 1.0) -> Redis:
    # Short timeouts: a page must not hang because Redis is away.
    return Redis.from_url(
        current_app.config["REDIS_URL"], socket_connect_timeout=timeout, socket_timeout=timeout
    )


def redis_ok() -> bool:
    try:
        return bool(redis_connection(timeout=0.5).ping())
    except Exception:  # any failure means "down" to a health check
        return False


def queue(name: str = "default", connection: Redis | None = None) -> Queue:
    return Queue(name, connection=connection or redis_connection(timeout=5))


def later(function: str, argument: str | int = "") -> OutboxJob:
    """Asks for a job as part of the caller's transaction; the relay hands it to RQ."""
    row = OutboxJob(function=function, argument=str(argument))
    db.session.add(row)
    return row


def relay_jobs(limit: int = 500) -> int:
    """Hands pending outbox jobs to RQ. Each keeps the job id outbox-<row>, so a relay
    that crashes after enqueueing and runs again cannot start the job twice."""
    rows = list(
        db.session.scalars(
            select(OutboxJob)
            .where(OutboxJob.enqueued_at.is_(None))
            .order_by(OutboxJob.id)
            .limit(limit)
        )
    )
    if not rows:
        return 0
    target = queue("default")
    for row in rows:
        job_id = f"outbox-{row.id}"
        if Job.exists(job_id, connection=target.connection):
            log.info("outbox job %s was already enqueued", job_id)
        else:
            target.enqueue(
                row.function,
                row.argument,
                job_id=job_id,
                retry=RETRY,
                job_timeout=TIMEOUT,
                description=f"{row.function}({row.argument})",
            )
        row.enqueued_at = utcnow()
        row.job_id = job_id
        db.session.commit()
    return len(rows)


def failed_jobs(limit: int = 200) -> list[dict]:
    connection = redis_connection(timeout=2)
    found = []
    for name in QUEUES:
        registry = FailedJobRegistry(name, connection=connection)
        for job in Job.fetch_many(registry.get_job_ids(0, limit - 1), connection=connection):
            if job is None:
                continue
            found.append(
                {
                    "id": job.id,
                    "queue": name,
                    "function": job.func_name,
                    "description": job.description,
                    "ended_at": job.ended_at,
                    "error": (job.latest_result().exc_string if job.latest_result() else "")[
                        -2000:
                    ],
                }
            )
    return found


def requeue(job_id: str) -> None:
    connection = redis_connection(timeout=2)
    job = Job.fetch(job_id, connection=connection)
    FailedJobRegistry(job.origin, connection=connection).requeue(job_id)
