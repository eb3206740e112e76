"""The only module that talks to Redis and RQ: connections, enqueueing, the job outbox, what
operators and progress pages read back (broadcast.py publishes and listens over its
connections). Every job it hands over is declared in collab/platform/jobs.py.

Redis may be away while the database is not; callers then get QueueAway and decide what
the person in front of them sees. Any other error is a bug and is left to surface."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from rq import Queue, get_current_job
from rq.exceptions import DuplicateJobError, InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlalchemy import Boolean, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from collab.platform import jobs
from collab.platform.clock import UTCDateTime, utcnow
from collab.platform.extensions import db

log = logging.getLogger(__name__)
QUEUES = ("high", "default", "low")


class QueueAway(Exception):
    """Redis cannot be reached (refused, timed out, still loading): no job goes in or out."""


@contextmanager
def reaching_redis() -> Iterator[None]:
    try:
        yield
    except (RedisConnectionError, RedisTimeoutError) as exc:
        raise QueueAway(f"the job queue cannot be reached ({exc})") from exc


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


# Per process, by (REDIS_URL, timeout): redis-py's pool opens a connection once and renews
# its connections after a fork (gunicorn's workers, RQ's work horses).
_SHARED: dict[tuple[str, float], Redis] = {}


def shared_connection(timeout: float = 0.5) -> Redis:
    """This process's client for the short commands a request makes (a publish): its
    connections are kept, where redis_connection opens one (a round trip, a socket) for each
    use. It never retries (redis-py's default waits seconds between three more attempts): a
    request must not wait for Redis, and the caller decides what Redis being away means."""
    key = (current_app.config["REDIS_URL"], timeout)
    client = _SHARED.get(key)
    if client is None:
        client = _SHARED[key] = Redis.from_url(
            key[0],
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )
    return client


def redis_ok() -> bool:
    try:
        return bool(redis_connection(timeout=0.5).ping())
    except RedisError:  # any answer but PONG (away, refused, wrong password) is "down" here
        return False


def enqueue(
    name: str,
    *args: Any,
    job_id: str | None = None,
    meta: dict | None = None,
    connection: Redis | None = None,
) -> bool:
    """Hands the declared job ``name`` to RQ now. With a ``job_id``, at most one such job
    exists: False when it is already there. Raises QueueAway, UnknownJob."""
    declared = jobs.job(name)
    queue = Queue(declared.queue, connection=connection or redis_connection(timeout=5))
    with reaching_redis():
        try:
            queue.enqueue_call(
                func=declared.name,
                args=args,
                timeout=declared.timeout,
                result_ttl=declared.keep_result,
                failure_ttl=declared.keep_failure,
                retry=declared.retry,
                job_id=job_id,
                unique=job_id is not None,
                meta=meta,
                description=f"{declared.name}({', '.join(map(_short, args))})",
            )
        except DuplicateJobError:
            return False
    return True


def _short(argument: Any) -> str:
    text = repr(argument)
    return text if len(text) <= 40 else f"<{len(text):,} characters>"


def later(function: str, argument: str | int = "") -> OutboxJob:
    """Asks for a job as part of the caller's transaction; the relay hands it to RQ. The job
    gets ``argument`` as a string, or nothing when there is none."""
    jobs.job(function)  # an undeclared name fails here, in the change that asks for it
    row = OutboxJob(function=function, argument=str(argument))
    db.session.add(row)
    return row


def relay_jobs(limit: int = 500) -> int:
    """Hands pending outbox jobs to RQ. Each keeps the job id outbox-<row>, so a relay
    that crashes after enqueueing and runs again cannot start the job twice.
    Raises QueueAway; the rows not yet handed over wait for the next relay."""
    rows = list(
        db.session.scalars(
            select(OutboxJob)
            .where(OutboxJob.enqueued_at.is_(None))
            .order_by(OutboxJob.id)
            .limit(limit)
        )
    )
    connection = redis_connection(timeout=5)
    for row in rows:
        job_id = f"outbox-{row.id}"
        if row.function not in jobs.JOBS:
            # Written by a release that declared it; no worker here could run it.
            log.error("outbox job %s names no declared job: %s", row.id, row.function)
            row.failed = True
        elif not enqueue(row.function, *_arguments(row), job_id=job_id, connection=connection):
            log.info("outbox job %s was already enqueued", job_id)
        row.enqueued_at = utcnow()
        row.job_id = job_id
        db.session.commit()
    return len(rows)


def _arguments(row: OutboxJob) -> tuple[str, ...]:
    return (row.argument,) if row.argument else ()


# --- what a running job reports, and what pages read back ---------------------------------


def progress_reporter() -> Callable[..., None]:
    """For the job that is running: progress(done, total, stage) kept in the job's meta."""
    current = get_current_job()

    def progress(done: int, total: int, stage: str = "writing") -> None:
        if current is not None:
            current.meta.update(done=done, total=total, stage=stage)
            current.save_meta()

    return progress


@dataclass(frozen=True)
class JobState:
    status: str  # RQ's: queued, started, deferred, scheduled, finished, failed, stopped, ...
    meta: dict = field(default_factory=dict)
    result: Any = None  # the return value, once finished


def job_state(job_id: str) -> JobState | None:
    """Where job ``job_id`` is; None when RQ has no such job (never was, or expired).
    Raises QueueAway."""
    with reaching_redis():
        try:
            found = Job.fetch(job_id, connection=redis_connection(timeout=2))
        except NoSuchJobError:
            return None
        status = found.get_status(refresh=False)
        status = str(getattr(status, "value", status))
        result = found.return_value() if status == "finished" else None
        return JobState(status, dict(found.meta or {}), result)


def failed_jobs(limit: int = 200) -> list[dict]:
    """Raises QueueAway."""
    connection = redis_connection(timeout=2)
    found = []
    with reaching_redis():
        for name in QUEUES:
            registry = FailedJobRegistry(name, connection=connection)
            ids = registry.get_job_ids(0, limit - 1)
            for job in Job.fetch_many(ids, connection=connection):
                if job is None:
                    continue
                latest = job.latest_result()
                found.append(
                    {
                        "id": job.id,
                        "queue": name,
                        "function": job.func_name,
                        "description": job.description,
                        "ended_at": job.ended_at,
                        "error": (latest.exc_string if latest else "")[-2000:],
                    }
                )
    return found


def requeue(job_id: str) -> bool:
    """Puts a failed job back in its queue; False when it is no longer among the failed
    (requeued already, expired). Raises QueueAway."""
    connection = redis_connection(timeout=2)
    with reaching_redis():
        try:
            job = Job.fetch(job_id, connection=connection)
            FailedJobRegistry(job.origin, connection=connection).requeue(job)
        except (NoSuchJobError, InvalidJobOperation):
            return False
    return True
