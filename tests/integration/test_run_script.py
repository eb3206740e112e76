"""`make run`'s supervisor: the web app outlives Redis, and the RQ worker and `rq cron`
come back with it instead of taking everything down (scripts/run.sh, started for real)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis
from rq import Worker

from collab import create_app
from collab.platform.config import ROOT
from collab.platform.extensions import db
from tests.support.servers import RedisServer, free_port


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own server)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()
    except OSError:
        return 0, ""


def _until(what: str, check, seconds: float = 60.0):
    """Polls until check() is truthy; the deadline only stops a broken run from hanging."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def stack(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    # This instance counts as seeded: demo data is `seed-demo`'s business, tested elsewhere.
    (instance / "demo-logins.txt").write_text("(no demo logins in this test)\n")
    redis_server = RedisServer(port=free_port(), directory=tmp_path)
    redis_server.start()
    port = free_port()
    database = f"sqlite:///{instance / 'collab.db'}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MAIL_", "REDIS_", "DATABASE_", "COLLAB_", "FLASK_"))
    }
    env.update(
        PORT=str(port),
        REDIS_URL=redis_server.url,
        DATABASE_URL=database,
        COLLAB_INSTANCE=str(instance),
        RUN_MAX_BACKOFF="1",
        PYTHONPATH=str(ROOT),
    )
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "run.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so the test can clean up after it
    )
    try:
        yield {
            "url": f"http://127.0.0.1:{port}",
            "redis": redis_server,
            "database": database,
            "instance": instance,
            "log": tmp_path / "run.log",
            "process": process,
        }
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
        redis_server.stop()


def _queue_email(database: str, instance: Path, subject: str) -> None:
    from collab.notifications.outbox import queue_email

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database, "INSTANCE_PATH": str(instance), "TESTING": True}
    )
    with app.app_context():
        queue_email("someone@example.com", subject, "Body.")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _mail_log_has(instance: Path, subject: str) -> bool:
    path = instance / "mail.log"
    return path.exists() and subject in path.read_text(encoding="utf-8")


def test_the_web_app_outlives_redis_and_the_workers_come_back_with_it(stack):
    url, redis_server, log = stack["url"], stack["redis"], stack["log"]
    _until("the web app", lambda: _get(url + "/healthz")[0] == 200)
    connection = redis.Redis.from_url(redis_server.url)
    _until("a worker", lambda: Worker.count(connection=connection) >= 1)

    redis_server.stop()
    status, body = _get(url + "/healthz")
    assert status == 503 and '"redis":"down"' in body.replace(" ", "")
    assert _get(url + "/login")[0] == 200  # pages keep answering
    _until("rq cron to lose Redis and exit", lambda: "run: cron exited" in log.read_text())
    assert _get(url + "/login")[0] == 200  # nothing else was stopped with them

    redis_server.start()
    _until("the web app to see Redis again", lambda: _get(url + "/healthz")[0] == 200)
    # E-mail written now goes out only if rq cron enqueues the relay and a worker runs it.
    _queue_email(stack["database"], stack["instance"], "After the Redis restart")
    _until("the relay", lambda: _mail_log_has(stack["instance"], "After the Redis restart"))
    assert Worker.count(connection=connection) >= 1

    process = stack["process"]
    process.terminate()  # as Ctrl-C does: everything it started stops
    assert process.wait(timeout=30) is not None
    with pytest.raises(ProcessLookupError):
        _until("its children to stop", lambda: os.killpg(process.pid, 0), seconds=15)
    assert "run: stopped" in log.read_text()
