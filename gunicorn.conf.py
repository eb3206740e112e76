"""gunicorn's settings for collab's web process (deploy/processes.toml: `gunicorn --config
gunicorn.conf.py wsgi:app`). Each is read from the environment file where an operator may
need to change it.

Threaded workers (gthread): a request spends much of its time waiting for PostgreSQL, and
threads overlap those waits within one process; the processes use the cores. Nothing here
streams, so no request holds a thread for long."""

from __future__ import annotations

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
# One process a core; WEB_CONCURRENCY is also the name gunicorn itself reads.
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS") or 4)
# A thread holds at most one database connection at a time: a pool as large as the
# threads never makes one wait for another's connection. Set before the app is loaded,
# which reads it (collab.platform.config).
os.environ.setdefault("DATABASE_POOL_SIZE", str(threads))

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


def post_fork(server, worker):
    """A pooled connection must never cross a fork: two processes would then talk over one
    socket. The master loaded the app (preload_app) but should hold no connection; each
    worker drops whatever pool it inherited and opens its own."""
    from collab.platform.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
