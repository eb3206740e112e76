"""A database restart behind a quiet web process: the next request gets a new connection.

The pool tests a connection only after it sat idle (collab.platform.connections); a
connection the database dropped meanwhile has always sat idle for longer than that."""

import time

import psycopg
import pytest
from sqlalchemy import select, text

from collab.models import Organization
from collab.platform.extensions import db
from tests.support.factories import login, make_org, make_user


def _end_every_other_session() -> int:
    url = db.engine.url
    dsn = f"host={url.host} port={url.port} user={url.username} dbname={url.database}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        return connection.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def _backend_pid() -> int:
    return db.session.scalar(text("SELECT pg_backend_pid()"))


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_pooled_connection_the_database_dropped_is_replaced_before_it_is_used(app, backend):
    make_org("acme")
    db.session.commit()
    before = _backend_pid()
    db.session.remove()  # the connection goes back to the pool, as after a request

    assert _end_every_other_session() >= 1
    time.sleep(app.config["DATABASE_PING_AFTER_IDLE"] + 0.1)

    after = _backend_pid()  # would raise: "terminating connection due to administrator command"
    assert after != before
    assert db.session.scalar(select(Organization.slug)) == "acme"


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_page_after_the_database_restarted_answers(app, backend, client):
    make_user(make_org("acme"), "cio", email="cio@example.com")
    db.session.commit()
    login(client, "cio@example.com")
    db.session.remove()

    _end_every_other_session()
    time.sleep(app.config["DATABASE_PING_AFTER_IDLE"] + 0.1)
    assert client.get("/orgs/acme/board").status_code == 200
