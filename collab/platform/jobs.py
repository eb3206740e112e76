"""Every background job, declared once: the name RQ imports, the queue it waits in, how long
it may run, whether a failure is tried again, and when periodic ones run.

A name is the dotted path of the job's one entry point in ``workers/``. The platform names
them without importing them (the entry points sit above every capability); a test imports
each one and finds every name the code mentions declared here. The job outbox stores these
names in the database, so a released name never changes: rename the function, not the job.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from rq import Retry

# A flaky SMTP server or a database restart costs a delay, never the job. RQ retries only
# when its scheduler runs (`rq worker --with-scheduler`).
RETRY = Retry(max=3, interval=[10, 60, 300])
DAY = 24 * 3600


class UnknownJob(LookupError):
    """A job name nobody declared: a bug in the caller, refused before it reaches a worker."""


@dataclass(frozen=True)
class Job:
    name: str  # "workers.<module>.<function>"
    queue: str = "default"  # "high", "default" or "low"
    timeout: int = 600  # seconds before RQ stops the work horse
    retry: Retry | None = RETRY  # None: whoever asked sees the failure and decides
    keep_result: int = 500  # seconds RQ keeps the return value
    keep_failure: int | None = None  # seconds RQ keeps a failed job (None: RQ's year)
    every: int | None = None  # periodic: seconds between runs ...
    cron: str | None = None  # ... or a crontab line (UTC)

    @property
    def periodic(self) -> bool:
        return self.every is not None or self.cron is not None


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        # Periodic, registered with `rq cron workers/cron.py`. A periodic job's next tick is
        # its retry, so none of them retries on its own.
        Job("workers.jobs.relay_outbox", queue="high", timeout=120, retry=None, every=5),
        Job("workers.jobs.overdue_scan", timeout=600, retry=None, every=300),
        Job("workers.jobs.daily_digest", queue="low", timeout=600, retry=None, cron="0 6 * * *"),
        Job("workers.jobs.impact_run", queue="low", timeout=3600, retry=None, cron="30 2 * * *"),
        Job("workers.jobs.heartbeat", queue="low", timeout=60, retry=None, every=60),
        # Webhooks, Slack and Telegram; a run stops taking new rows after 50 + 30 + 30 s,
        # inside its time limit.
        Job(
            "workers.integration_jobs.deliver_outgoing",
            timeout=180,
            retry=None,
            every=10,
        ),
        # Telegram's updates where it cannot call us (no webhook secret set); else a no-op.
        Job(
            "workers.integration_jobs.telegram_updates",
            queue="high",
            timeout=120,
            retry=None,
            every=15,
        ),
        # Hourly: each organisation's first working day starts at its own 07:00.
        Job(
            "workers.integration_jobs.monthly_reports",
            queue="low",
            timeout=1800,
            retry=None,
            cron="5 * * * *",
        ),
        # Asked for by a change (through the outbox) or by a person.
        Job("workers.jobs.measure_task_impact", timeout=600),
        Job("workers.kpi_jobs.measure_org", timeout=1800),
        # The person watching its progress sees a failure and may send the file again; its
        # result is read by the progress page for a day.
        Job(
            "workers.kpi_jobs.import_kpis",
            timeout=1800,
            retry=None,
            keep_result=DAY,
            keep_failure=DAY,
        ),
    )
}


def job(name: str) -> Job:
    try:
        return JOBS[name]
    except KeyError:
        raise UnknownJob(f"no job is declared as {name!r} (collab/platform/jobs.py)") from None


def periodic() -> list[Job]:
    return [declared for declared in JOBS.values() if declared.periodic]


def entry_point(name: str) -> Callable:
    """The function a worker runs for ``name``, imported the way RQ imports it."""
    module, _, function = job(name).name.rpartition(".")
    return getattr(importlib.import_module(module), function)
