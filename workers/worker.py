"""The RQ worker collab runs: RQ's own, plus one repair for a Redis that lost its data.

RQ registers a worker once, at start. A worker that outlives a Redis restart without its
data (no append-only file, a managed Redis failing over) reconnects and keeps taking jobs,
but is no longer in the worker registry, so operators (the admin page, `rq info`) see no
worker at all while jobs are done. Its heartbeat notices the loss and registers it again.
"""

from __future__ import annotations

from rq import Worker as RQWorker


class Worker(RQWorker):
    def heartbeat(self, timeout=None, pipeline=None):
        # Inside a pipeline nothing can be read back; the next plain heartbeat checks.
        forgotten = pipeline is None and not self.connection.hexists(self.key, "birth")
        if forgotten:
            self.connection.delete(self.key)  # only the heartbeat's stub of a hash is left
            self.register_birth()
        super().heartbeat(timeout, pipeline)
