"""Who commits: the request or the job. Domain functions work inside a savepoint instead.

A refused operation undoes its own writes and raises its DomainError; whatever the caller
did before it in the same transaction stays, for the caller to commit or roll back.

Counters many transactions add to at once (the board's cards per lane) are summed in the
transaction and written just before it commits (``add_at_commit``): a row lock taken on
such a counter is held for the commit alone, not for the rest of the request, and every
transaction takes its counters' locks in one order, so two cannot deadlock on them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from collab.platform.extensions import db

_SUMS = "collab.sums_at_commit"
# name -> what writes that name's sums: (session, {key: delta}) -> None
_WRITERS: dict[str, Callable[[Session, dict], None]] = {}


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
    # The sums added inside are undone with the rest.
    before = {name: Counter(sums) for name, sums in db.session.info.get(_SUMS, {}).items()}
    try:
        with db.session.begin_nested():
            yield
    except BaseException:
        db.session.info[_SUMS] = before
        raise


def sums_written_by(name: str, writer: Callable[[Session, dict], None]) -> None:
    """Declares what writes the sums called ``name``: ``writer(session, {key: delta})``,
    called with the keys in order and no zero delta."""
    _WRITERS[name] = writer


def add_at_commit(name: str, key: Hashable, delta: int) -> None:
    """Adds ``delta`` to ``key`` of the sums ``name``, written when the transaction commits."""
    db.session.info.setdefault(_SUMS, {}).setdefault(name, Counter())[key] += delta


def write_sums(session: Session, name: str | None = None) -> None:
    """Writes the transaction's sums now (``name``'s alone, or all): before reading what they
    add to, in the same transaction. Their locks are then held until it ends, so a reader
    that still has changes to make does better to read before adding."""
    pending = session.info.get(_SUMS, {})
    for found in [name] if name is not None else sorted(pending):
        sums = pending.pop(found, None)
        due = {key: sums[key] for key in sorted(sums, key=repr) if sums[key]} if sums else {}
        if due:
            _WRITERS[found](session, due)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: its sums belong to the outer transaction
    # The rest first, so the counters' locks are the last taken.
    session.flush()
    write_sums(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_sums(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_SUMS, None)
