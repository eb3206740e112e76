"""Redis publish/subscribe: short messages to whoever listens now, across every web process
and host (an RQ job's change reaches the boards open on all of them).

Nothing is kept: a listener that is away misses what was said, so what is said must only
ever be "look again", never the news itself. Redis being away never fails a caller's
change: publishing then says nothing, listening then ends."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator

from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from collab.platform.queue import QueueAway, reaching_redis, redis_connection, shared_connection

log = logging.getLogger(__name__)
_TO_SAY = "broadcast_to_say"  # Session.info key: {channel: message}


class Outage:
    """Publishes that failed since Redis last answered: a busy process publishes on every
    change, so an outage is logged once when it starts and once when it ends, with how
    many publishes it cost, not once a publish."""

    def __init__(self):
        self._lock = threading.Lock()
        self.failed = 0
        self.since = 0.0

    def failure(self, channel: str, error: Exception) -> None:
        with self._lock:
            self.failed += 1
            first = self.failed == 1
            if first:
                self.since = time.monotonic()
        if first:
            log.warning(
                "could not publish on %s: %s (the publishes that fail until Redis answers "
                "again are counted, not logged)",
                channel,
                error,
            )

    def success(self) -> None:
        if not self.failed:  # the common case, read without the lock
            return
        with self._lock:
            failed, self.failed = self.failed, 0
            seconds = time.monotonic() - self.since
        if failed:
            log.warning("publishing again after %d failed publishes over %.0f s", failed, seconds)


outage = Outage()  # this process's


def publish(channel: str, message: dict) -> None:
    try:
        # Sets (what a transaction gathered) go out as sorted lists.
        shared_connection(timeout=0.5).publish(channel, json.dumps(message, default=sorted))
    except RedisError as exc:
        outage.failure(channel, exc)
    else:
        outage.success()


def to_say(session: Session) -> dict[str, dict]:
    """What this transaction will say, by channel, once it commits: callers add to it as the
    change goes on. Nothing is said when it rolls back, and what is said after the commit is
    read by whoever looks again."""
    return session.info.setdefault(_TO_SAY, {})


@event.listens_for(Session, "after_commit")
def _say(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the outer transaction may still roll back
    for channel, message in session.info.pop(_TO_SAY, {}).items():
        publish(channel, message)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    # The outermost transaction ended without a commit (after one, _say emptied it).
    if transaction.parent is None:
        session.info.pop(_TO_SAY, None)


class Listening:
    """The messages said on a channel for a while: None at least every ``beat`` seconds while
    nothing is said, so the caller can send a heartbeat (and notice a closed client). Ends
    early when Redis goes away. Iterating needs no app; close() frees the connection, whether
    or not the messages were ever read."""

    def __init__(self, channel: str, pubsub, connection, seconds: float, beat: float):
        self.channel, self._pubsub, self._connection = channel, pubsub, connection
        self._end, self._beat = time.monotonic() + seconds, beat

    def __iter__(self) -> Iterator[dict | None]:
        try:
            while (left := self._end - time.monotonic()) > 0:
                said = self._pubsub.get_message(timeout=min(self._beat, left))
                if said is None:
                    yield None
                    continue
                try:
                    yield json.loads(said["data"])
                except (TypeError, ValueError):
                    log.warning("ignored a malformed message on %s", self.channel)
        except RedisError as exc:
            log.warning("stopped listening on %s: %s", self.channel, exc)

    def close(self) -> None:
        self._pubsub.close()
        self._connection.close()


def listen(*channels: str, seconds: float, beat: float) -> Listening:
    """Subscribes now (raises QueueAway when Redis cannot be reached): what is said on any of
    the channels from now on, for ``seconds``."""
    connection = redis_connection(timeout=beat + 5)
    pubsub = connection.pubsub(ignore_subscribe_messages=True)
    try:
        with reaching_redis():
            pubsub.subscribe(*channels)
    except QueueAway:
        pubsub.close()
        connection.close()
        raise
    return Listening(", ".join(channels), pubsub, connection, seconds, beat)
