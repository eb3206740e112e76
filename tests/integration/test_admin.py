"""/admin/: operators see jobs that failed for good, requeue them, and are told when Redis
cannot be read."""

from __future__ import annotations

from redis import Redis
from rq import Queue

from tests.support.factories import csrf_from, login, make_user
from tests.support.servers import free_port
from tests.support.workers import start_burst_workers, wait_all


def _operator(app):
    client = app.test_client()
    login(client, make_user(admin=True).email)
    return client


def test_a_failed_job_is_listed_and_requeued_once(app, redis_server):
    queue = Queue("default", connection=Redis.from_url(redis_server.url))
    # A job that fails for good: no retries, and an argument it cannot read.
    queue.enqueue("workers.jobs.measure_task_impact", "task seven", job_id="broken-measure")
    wait_all(start_burst_workers(app, redis_server.url, count=1, queues=("default",)))

    operator = _operator(app)
    page = operator.get("/admin/")
    assert page.status_code == 200
    assert "broken-measure" in page.text and "ValueError" in page.text

    requeued = operator.post(
        "/admin/jobs/broken-measure/requeue",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=True,
    )
    assert "Job broken-measure is queued again." in requeued.text
    assert queue.job_ids == ["broken-measure"]
    assert "No failed jobs." in requeued.text

    again = operator.post(
        "/admin/jobs/broken-measure/requeue",
        data={"csrf_token": csrf_from(requeued.text)},
        follow_redirects=True,
    )
    assert "Job broken-measure is no longer among the failed jobs." in again.text


def test_with_redis_away_the_page_says_so_and_requeue_is_refused(app):
    operator = _operator(app)
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    page = operator.get("/admin/")
    assert page.status_code == 200
    assert "Redis: <strong>down</strong>" in page.text
    assert "Redis cannot be read: the job queue cannot be reached" in page.text
    refused = operator.post(
        "/admin/jobs/outbox-1/requeue",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=True,
    )
    assert refused.status_code == 200
    assert "Job outbox-1 was not requeued: the job queue cannot be reached" in refused.text
