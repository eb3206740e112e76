"""Rows that several workers may pick up at once (the e-mail outbox, webhook deliveries):
each is claimed by a conditional UPDATE that only one of them can win, and held for a lease.
A worker that dies holding a row only delays it: once the lease ends, the row is free again.
"""

from __future__ import annotations

from sqlalchemy import update

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
