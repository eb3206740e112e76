"""Rows that several workers may pick up at once (the e-mail outbox, webhook deliveries):
each is claimed by a conditional UPDATE that only one of them can win, and held for a lease.
A worker that dies holding a row only delays it: once the lease ends, the row is free again.
"""

from __future__ import annotations

import time

from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from collab.platform.extensions import db


def claim(model, row_id: int, *free, **values) -> bool:
    """Sets ``values`` (a lease, an attempt counted) on row ``row_id`` of ``model`` where the
    conditions ``free`` (not sent yet, no live lease) still hold, and commits so every other
    worker sees the claim at once. True when this caller won the row: a SELECT then UPDATE
    would let two workers both believe they had it."""
    claimed = db.session.execute(
        update(model)
        .where(model.id == row_id, *free)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def work_through(
    model, pending: tuple, now, send, limit: int, budget_seconds: float, narrowed=None, **values
) -> dict:
    """The outbox relays' loop (webhook deliveries, Slack and Telegram messages): the rows
    ``pending`` whose ``next_attempt_at`` has come (``narrowed`` may join and filter further),
    oldest first, at most ``limit``. Claims each in turn, setting ``values`` (its lease, the
    attempt counted), hands it to ``send``, and commits what ``send`` recorded on it. ``send``
    answers an outcome to count, or None when what the row belonged to is gone (a removed
    webhook or channel, an unlinked chat): nothing is recorded then. Stops taking rows after
    ``budget_seconds``, so one slow receiver cannot hold the job past its next tick."""
    free = (*pending, model.next_attempt_at <= now)
    query = select(model.id).where(*free)
    if narrowed is not None:
        query = narrowed(query)
    due = list(db.session.scalars(query.order_by(model.next_attempt_at, model.id).limit(limit)))
    counts: dict[str, int] = {}
    started = time.monotonic()
    for row_id in due:
        if time.monotonic() - started > budget_seconds:
            break
        if not claim(model, row_id, *free, **values):
            continue
        row = db.session.get(model, row_id, populate_existing=True)
        outcome = send(row) if row is not None else None
        if outcome is None:
            db.session.rollback()
            continue
        try:
            db.session.commit()
        except StaleDataError:  # removed while it was being sent: nothing left to record
            db.session.rollback()
            continue
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
