"""RQ entry points: open an app context, call one collab function, return what it did."""

from __future__ import annotations

from contextlib import contextmanager

from collab import create_app


@contextmanager
def app_context():
    # Created inside the work horse, after RQ's fork, so no pooled connection crosses it.
    app = create_app()
    with app.app_context():
        yield app
    from collab.extensions import db

    with app.app_context():
        db.engine.dispose()


def heartbeat() -> dict:
    """Records that the scheduler and a worker are alive; operators read it on /admin."""
    from collab import health

    with app_context():
        return health.check()
