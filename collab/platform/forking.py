"""Processes that fork from a loaded collab: gunicorn's web workers, RQ's work horses.

The parent has built the app: some 170,000 objects the garbage collector tracks. Python's
full collection walks all of them, in every child, and stops that child's threads while it
does: under make loadtest a web worker paused 0.1-0.6 s at a time, two or three times in 30
s, and spent a twentieth of its CPU collecting. Frozen before the fork, the app's objects
are left out of every later collection (they live as long as the process anyway), and the
child's pages that hold them are no longer written to by the collector, so they stay shared.

The child then collects its young objects every 7,000 allocations rather than 700: a request
makes and drops thousands of objects, reference counting frees nearly all of them, and the
few cycles wait a little longer for a collection that costs a third as much CPU in all."""

from __future__ import annotations

import gc

YOUNG_OBJECTS_BETWEEN_COLLECTIONS = 7_000


def before_fork() -> None:
    """In the parent, just before it forks a child. Garbage frozen would never be collected,
    and a parent that forks again and again (RQ's worker, a job each) makes some between
    forks: it is collected first, a short walk once the app is frozen."""
    gc.collect()
    gc.freeze()


def after_fork() -> None:
    """In the child, before it serves."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_BETWEEN_COLLECTIONS, middle, old)
