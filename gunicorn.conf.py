"""gunicorn's settings for collab's web process (deploy/processes.toml: `gunicorn --config
gunicorn.conf.py wsgi:app`). Each is read from the environment file where an operator may
need to change it.

Threaded workers (gthread): a request spends much of its time waiting for PostgreSQL, and
threads overlap those waits within one process; the processes use the cores.

The live board's streams (collab/web/live.py) are the one kind of request that stays open:
each holds a thread while it waits on Redis, and no database connection. A sync worker
would be pinned by one open board, so each process gets BOARD_STREAMS threads more than its
WEB_THREADS; the app serves at most that many streams a process (the boards beyond poll),
and ends each after BOARD_STREAM_SECONDS for the browser to reconnect, so a stream never
outlives a restart by more than graceful_timeout, and open boards spread over the
processes and hosts as they reconnect. gthread's `timeout` watches the worker process, not
a request, so a stream of minutes is not killed by it."""

from __future__ import annotations

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
# One process a core; WEB_CONCURRENCY is also the name gunicorn itself reads.
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
worker_class = "gthread"
request_threads = int(os.environ.get("WEB_THREADS") or 4)
threads = request_threads + int(os.environ.get("BOARD_STREAMS") or 16)
# A thread holds at most one database connection at a time, and a stream's none: a pool as
# large as the request threads never makes one wait for another's connection. Set before
# the app is loaded, which reads it (collab.platform.config).
os.environ.setdefault("DATABASE_POOL_SIZE", str(request_threads))

# A request that runs this long is stuck: the worker is killed and started again.
timeout = 30
graceful_timeout = 30  # a stop lets requests in flight finish (systemd waits 40 s)
keepalive = 5  # API clients reuse their connection; the proxy in front does too
# Load collab once in the master: workers fork in milliseconds and share its memory.
preload_app = True
# Workers are replaced now and then, so nothing a long life accumulates can grow unbounded.
max_requests = 5000
max_requests_jitter = 500
# The control socket (gunicorn 24+) would be one file per user: two instances on one host
# would fight over it. Signals and systemd are how collab's web process is managed.
control_socket_disable = True
errorlog = "-"
# Access logs belong to the proxy in front; set WEB_ACCESS_LOG=- to get gunicorn's too.
accesslog = os.environ.get("WEB_ACCESS_LOG") or None


def pre_fork(server, worker):
    """The loaded app is left out of the workers' garbage collections (collab.platform.forking)."""
    from collab.platform import forking

    forking.before_fork()


def post_fork(server, worker):
    """A pooled connection must never cross a fork: two processes would then talk over one
    socket. The master loaded the app (preload_app) but should hold no connection; each
    worker drops whatever pool it inherited and opens its own."""
    from collab.platform import forking
    from collab.platform.extensions import db

    forking.after_fork()
    app = server.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
