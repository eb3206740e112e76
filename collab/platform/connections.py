"""Pooled PostgreSQL connections that outlive a restart of the database, without a round
trip of their own on every request.

A connection the pool kept across a restart is dead, and the request that got it would
fail. SQLAlchemy's pre-ping tests every connection as it is checked out: one more round
trip per request, about a tenth of a request's statements. Under load a connection goes
back to the pool and out again within milliseconds, and a restart takes seconds; so a
connection is tested only when it sat in the pool for DATABASE_PING_AFTER_IDLE seconds or
more. A restart fails the statements in flight; SQLAlchemy then drops every connection
that the pool made before it, and each process's later requests get new ones."""

from __future__ import annotations

import time

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError


def ping_when_idle(engine: Engine, seconds: float) -> None:
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _back(dbapi_connection, record) -> None:
        if dbapi_connection is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _out(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < seconds:
            return  # new, or back from a request a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise DisconnectionError(str(exc)) from exc  # the pool connects again
            raise
