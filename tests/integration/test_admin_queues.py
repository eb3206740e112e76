"""Operators read the same queue depths on /admin/ as at GET /api/v1/admin/queues."""

import re
from datetime import timedelta

from redis import Redis
from rq import Queue

from collab.notifications.outbox import queue_email
from collab.platform.extensions import db
from tests.support.factories import bearer, login, make_user


def test_the_admin_page_shows_the_queue_depths_of_the_api(app, client, redis_server):
    operator = make_user(admin=True)
    for n in range(3):
        queue_email(f"person{n}@example.com", "Hello", "Body.")
    db.session.commit()
    connection = Redis.from_url(redis_server.url)
    for _ in range(2):
        Queue("default", connection=connection).enqueue("workers.jobs.heartbeat")
    Queue("low", connection=connection).enqueue_in(timedelta(hours=1), "workers.jobs.heartbeat")

    depths = client.get("/api/v1/admin/queues", headers=bearer(operator)).json
    login(client, operator.email)
    page = client.get("/admin/").text
    row = re.search(r"<h2>Queues</h2>.*?<tbody><tr>(.*?)</tr></tbody>", page, re.S).group(1)
    cells = [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", row)]
    jobs = depths["jobs"]
    expected = [depths["email"]["pending"], depths["email"]["failed"]]
    expected += [depths["telegram"]["pending"], depths["telegram"]["failed"], jobs["queued"]]
    expected += [jobs["scheduled"], jobs["failed"], depths["workers"]]
    assert cells == [str(n) for n in expected]
    assert expected == [3, 0, 0, 0, 2, 1, 0, 0]
