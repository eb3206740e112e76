"""Real RQ workers: racing scans raise nothing twice; with Redis gone nothing is lost."""

import re
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue, Worker
from sqlalchemy import func, select

from collab.models import Alert, Notification, OutboxEmail
from collab.platform.extensions import db
from collab.platform.queue import OutboxJob
from collab.work.tasks import update_task
from tests.support.factories import bearer, make_org, make_recommendation, make_user, membership
from tests.support.servers import RedisServer, free_port
from tests.support.workers import start_burst_workers, wait_all, worker_env


def _late_tasks(count: int):
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "cmo", "it", "agency")}
    director = membership(people["cio"], org)
    for i in range(count):
        task = make_recommendation(org, people["agency"], title=f"Fix 404 errors {i}").tasks[0]
        update_task(
            director, task, {"status": "todo", "assignee": people["it"].email}, task.version
        )
        task.due_date = date.today() - timedelta(days=4)  # levels 1 and 2
    db.session.commit()
    return org, people


def test_two_workers_and_a_doubled_tick_raise_each_alert_once(app, redis_server):
    _late_tasks(12)
    queue = Queue("default", connection=Redis.from_url(redis_server.url))
    for _ in range(4):  # the same scan, four times: a doubled tick on two hosts
        queue.enqueue("workers.jobs.overdue_scan")
    wait_all(start_burst_workers(app, redis_server.url, count=2))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 24
    pairs = db.session.execute(
        select(Notification.user_id, Notification.alert_id, func.count())
        .where(Notification.alert_id.is_not(None))
        .group_by(Notification.user_id, Notification.alert_id)
    ).all()
    assert pairs and all(count == 1 for _, _, count in pairs)
    # level 1: assignee + CIO; level 2: assignee + both directors -> 5 per task
    assert len(pairs) == 12 * 5
    alert_emails = db.session.scalar(
        select(func.count())
        .select_from(OutboxEmail)
        .join(Notification, Notification.id == OutboxEmail.notification_id)
        .where(Notification.alert_id.is_not(None))
    )
    assert alert_emails == len(pairs)


def test_with_redis_down_requests_succeed_and_mail_goes_out_once_after(app, client, own_redis):
    app.config["REDIS_URL"] = own_redis.url
    org, people = _late_tasks(0)
    agency_headers = bearer(people["agency"])
    own_redis.stop()

    assert client.get("/healthz").json["redis"] == "down"
    filed = client.post(
        "/api/v1/orgs/acme/recommendations",
        json={"title": "Compress images on the home page"},
        headers=agency_headers,
    )
    assert filed.status_code == 201
    task = filed.json["tasks"][0]
    moved = client.patch(
        f"/api/v1/orgs/acme/tasks/{task['id']}",
        json={"version": task["version"], "status": "todo"},
        headers=bearer(people["cio"]),
    )
    assert moved.status_code == 200
    waiting = db.session.scalar(select(func.count()).where(OutboxEmail.sent_at.is_(None)))
    assert waiting >= 2  # both directors were told of the new recommendation

    own_redis.start()  # back, on the same port
    assert client.get("/healthz").status_code == 200
    queue = Queue("high", connection=Redis.from_url(own_redis.url))
    queue.enqueue("workers.jobs.relay_outbox")
    queue.enqueue("workers.jobs.relay_outbox")  # a second relay finds nothing left to send
    wait_all(start_burst_workers(app, own_redis.url, count=2))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(OutboxEmail.sent_at.is_(None))) == 0
    with open(app.config["MAIL_LOG"], encoding="utf-8") as log:
        ids = re.findall(r"^Message-ID: (<collab-outbox-\d+@[^>]+>)$", log.read(), re.M)
    assert len(ids) == waiting and len(set(ids)) == len(ids)  # once per outbox row


def test_finishing_a_task_queues_its_impact_job_through_the_outbox(app, client, redis_server):
    org, people = _late_tasks(1)
    from collab.models import Task

    task = db.session.scalars(select(Task)).first()
    headers = bearer(people["it"])
    for status in ("in_progress", "done"):
        db.session.refresh(task)
        response = client.patch(
            f"/api/v1/orgs/acme/tasks/{task.id}",
            json={"version": task.version, "status": status},
            headers=headers,
        )
        assert response.status_code == 200
    job = db.session.scalar(select(OutboxJob))
    assert (job.function, job.argument, job.enqueued_at) == (
        "workers.jobs.measure_task_impact",
        str(task.id),
        None,
    )


def test_an_undeclared_job_is_refused_when_it_is_asked_for(app):
    from collab.platform.jobs import UnknownJob
    from collab.platform.queue import later

    with pytest.raises(UnknownJob):
        later("workers.jobs." + "measure_everything", 1)  # spelt apart for the registry test


def test_the_relay_hands_declared_jobs_to_a_worker_and_parks_undeclared_ones(app, redis_server):
    from collab.platform.queue import later, relay_jobs

    org, people = _late_tasks(1)
    declared = later("workers.jobs.overdue_scan")
    # A row of a release that declared a job this one no longer has.
    stray = OutboxJob(function="workers.jobs." + "retired_job", argument="7")
    db.session.add(stray)
    db.session.commit()

    assert relay_jobs() == 2
    assert relay_jobs() == 0  # nothing is handed over twice
    db.session.refresh(declared)
    db.session.refresh(stray)
    assert (declared.failed, stray.failed) == (False, True)
    waiting = Queue("default", connection=Redis.from_url(redis_server.url))
    assert waiting.job_ids == [f"outbox-{declared.id}"]  # the stray one never reaches RQ

    wait_all(start_burst_workers(app, redis_server.url, count=1))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 2  # the scan ran


def test_a_worker_that_outlives_a_redis_without_its_data_is_listed_again(app, tmp_path):
    """Operators count workers in Redis: a restart that lost the data must not hide them."""
    server = RedisServer(port=free_port(), directory=tmp_path)  # no append-only file
    server.start()
    rq = str(Path(sys.executable).parent / "rq")
    command = [rq, "worker", "--worker-class", "workers.worker.Worker", "--url", server.url]
    worker = subprocess.Popen(
        [*command, "default"],
        env=worker_env(app, server.url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    connection = Redis.from_url(server.url)

    def listed(within: float = 60.0) -> bool:
        deadline = time.monotonic() + within  # only stops a broken run from hanging
        while time.monotonic() < deadline:
            if Worker.count(connection=connection) == 1:
                return True
            time.sleep(0.2)
        return False

    try:
        assert listed()
        server.stop()
        server.start()  # empty: the registry is gone
        assert worker.poll() is None  # the worker rode the outage out...
        assert listed()  # ...and is listed again
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        server.stop()
