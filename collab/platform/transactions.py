"""Who commits: the request or the job. Domain functions work inside a savepoint instead.

A refused operation undoes its own writes and raises its DomainError; whatever the caller
did before it in the same transaction stays, for the caller to commit or roll back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from collab.platform.extensions import db


@contextmanager
def savepoint() -> Iterator[None]:
    """Everything written inside is undone if the block raises; nothing else is."""
    connection = db.session.connection()
    driver = connection.connection.driver_connection
    # Python's sqlite3 opens its transaction only at the first INSERT, UPDATE or DELETE. A
    # SAVEPOINT sent before that would open the transaction itself, and releasing it would
    # commit the caller's work behind the caller's back. IMMEDIATE takes the write lock now,
    # as the writes to come would, so a concurrent writer waits (busy_timeout) instead of
    # failing on a stale snapshot.
    if connection.dialect.name == "sqlite" and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    with db.session.begin_nested():
        yield
