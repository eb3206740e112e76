"""Operators see queue depths: GET /api/v1/admin/queues and the /admin/ page."""

from datetime import timedelta

from redis import Redis
from rq import Queue

from tests.support.factories import bearer, login, make_org, make_user
from tests.support.servers import free_port


def test_queue_depths_for_operators_only(app, client, redis_server):
    operator = make_user(admin=True)
    director = make_user(make_org("acme"), "cio")
    assert client.get("/api/v1/admin/queues").status_code == 401
    refused = client.get("/api/v1/admin/queues", headers=bearer(director))
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "forbidden"

    connection = Redis.from_url(redis_server.url)
    Queue("default", connection=connection).enqueue("workers.jobs.heartbeat")
    Queue("low", connection=connection).enqueue("workers.jobs.heartbeat")
    Queue("high", connection=connection).enqueue_in(timedelta(hours=1), "workers.jobs.heartbeat")
    answer = client.get("/api/v1/admin/queues", headers=bearer(operator))
    assert answer.status_code == 200
    assert answer.json == {
        "email": {"pending": 0, "failed": 0},
        "telegram": {"pending": 0, "failed": 0},
        "jobs": {"queued": 2, "scheduled": 1, "failed": 0},
        "workers": 0,
        "redis": "ok",
    }


def test_with_redis_away_email_is_still_counted(app, client):
    from collab.notifications.outbox import queue_email
    from collab.platform.extensions import db

    operator = make_user(admin=True)
    headers = bearer(operator)
    queue_email("someone@example.com", "Hello", "Body.")
    db.session.commit()
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    answer = client.get("/api/v1/admin/queues", headers=headers)
    assert answer.status_code == 200
    assert answer.json == {
        "email": {"pending": 1, "failed": 0},
        "telegram": {"pending": 0, "failed": 0},
        "jobs": {"queued": None, "scheduled": None, "failed": None},
        "workers": None,
        "redis": "down",
    }
    login(client, operator.email)
    page = client.get("/admin/")
    assert page.status_code == 200 and "E-mail waiting" in page.text
