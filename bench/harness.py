"""Timing and statement counting shared by the bench cases."""

from __future__ import annotations

import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event

from collab import create_app
from collab.platform.extensions import db
from collab.platform.testing import IsolatedClient


@contextmanager
def bench_app(redis_url: str = "redis://127.0.0.1:1/0"):
    with tempfile.TemporaryDirectory(prefix="collab-bench-") as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.db'}",
                "REDIS_URL": redis_url,
                "RATELIMIT_STORAGE_URI": "memory://",
                "INSTANCE_PATH": tmp,
                "MAIL_LOG": str(Path(tmp) / "mail.log"),
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            }
        )
        app.test_client_class = IsolatedClient
        with app.app_context():
            db.create_all()
            yield app
            db.session.remove()
            db.engine.dispose()


@contextmanager
def count_statements():
    counter = {"n": 0}

    def before(conn, cursor, statement, parameters, context, executemany):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def median_ms(run, repeat: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 3)
