"""Fixtures: real Redis, real PostgreSQL, the app on both databases, a browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import delete

from collab import create_app
from collab.platform.extensions import db
from collab.platform.testing import IsolatedClient
from collab.training.task_notes import forget_facts
from tests.support.servers import RedisServer, free_port, start_postgres, unavailable

BACKENDS = ("sqlite", "postgresql")

# CI draws the same examples on every run, so a red build is one anyone can rerun; runs
# elsewhere draw new ones and keep looking where CI never does.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = RedisServer(port=free_port(), directory=tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test's own, to stop and start without disturbing the others."""
    server = RedisServer(port=free_port(), directory=tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres():
    cluster = start_postgres()
    yield cluster
    cluster.stop()


def test_config(database_url: str, redis_url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        # A fast hash keeps the suite quick; production uses scrypt (see config.py).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "INSTANCE_PATH": str(instance),
        "MAIL_LOG": str(instance / "mail.log"),
    }


@pytest.fixture(scope="session")
def schemas(request, tmp_path_factory):
    """One database per backend, its tables created once; tests empty them afterwards."""
    created: dict[str, str] = {}

    def url_for(backend: str) -> str:
        if backend not in created:
            if backend == "sqlite":
                url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'collab.db'}"
            else:
                cluster = request.getfixturevalue("postgres")
                url = cluster.create_database("collab_test")
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
            with app.app_context():
                db.create_all()
                db.engine.dispose()
            created[backend] = url
        return created[backend]

    return url_for


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(backend, schemas, redis_server, tmp_path):
    redis_server.flush()  # rate-limit counters and queues start empty for every test
    forget_facts()  # the emptied tables reuse organisation ids
    app = create_app(test_config(schemas(backend), redis_server.url, tmp_path))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        unavailable("Debian's chromium (/usr/bin/chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(chromium),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
