"""Queue depths for platform operators: the /admin/ page and GET /api/v1/admin/queues.

E-mail and Telegram are counted in the database (their outboxes), jobs in RQ's own
registries. Reading a registry here never cleans it up: an operator's look changes nothing.
With Redis away the job figures are None and `redis` says "down"; the outboxes are still counted."""

from __future__ import annotations

from rq import Queue, Worker
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from collab.notifications.outbox import email_counts
from collab.notifications.telegram_outbox import telegram_counts
from collab.platform.queue import QUEUES, redis_connection


def queue_depths() -> dict:
    depths: dict = {
        "email": email_counts(),
        "telegram": telegram_counts(),
        "jobs": {"queued": None, "scheduled": None, "failed": None},
        "workers": None,
        "redis": "down",
    }
    try:
        connection = redis_connection(timeout=1)
        jobs = {"queued": 0, "scheduled": 0, "failed": 0}
        for name in QUEUES:
            jobs["queued"] += Queue(name, connection=connection).count
            jobs["scheduled"] += ScheduledJobRegistry(name, connection=connection).get_job_count(
                cleanup=False
            )
            jobs["failed"] += FailedJobRegistry(name, connection=connection).get_job_count(
                cleanup=False
            )
        workers = Worker.count(connection=connection)
    except Exception:  # Redis away (or refusing): say so, keep the e-mail figures
        return depths
    depths.update(jobs=jobs, workers=workers, redis="ok")
    return depths
