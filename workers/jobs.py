"""RQ entry points: open an app context, call one collab function, return what it did.

One entry point per job, each declared (name, queue, time limit, schedule) in
collab/platform/jobs.py. Each job logs which organisation or task it worked on; the return
value is kept by RQ for operators to read."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from collab import create_app

log = logging.getLogger("collab.jobs")
# Built once in the worker's main process, before RQ forks a work horse per job, so each
# job starts in milliseconds. The app opens no database connection until a job queries,
# and each job disposes of its engine, so no pooled connection ever crosses a fork.
_app = create_app()


@contextmanager
def app_context():
    with _app.app_context():
        try:
            yield _app
        finally:
            from collab.platform.extensions import db

            db.session.remove()
            db.engine.dispose()


def overdue_scan() -> str:
    from collab.followup.alerts import scan

    with app_context():
        return scan().line()


def relay_outbox() -> str:
    """E-mail and follow-up jobs waiting in the database go out."""
    from collab.notifications.outbox import relay
    from collab.platform.queue import relay_jobs

    with app_context():
        jobs = relay_jobs()
        mail = relay()
        line = f"relay: {jobs} jobs enqueued, {mail['sent']} e-mails sent, {mail['failed']} failed"
        log.info(line)
        return line


def daily_digest() -> str:
    from collab.followup.digest import send_digests

    with app_context():
        line = f"digest: {send_digests()} digests queued"
        log.info(line)
        return line


def measure_task_impact(task_id: str) -> str:
    from collab.impacts import job as impacts

    with app_context():
        measured = impacts.measure_task(int(task_id))
        line = f"impact: task {task_id}: {measured} metrics measured"
        log.info(line)
        return line


def impact_run() -> str:
    from collab.impacts import job as impacts

    with app_context():
        return impacts.run_impact()


def heartbeat() -> dict:
    """Records that the scheduler and a worker are alive; operators read it on /admin."""
    from collab.platform import health

    with app_context():
        return health.check()
