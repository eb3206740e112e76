"""Lists cost the same few SQL statements whatever their length: a page of 50 tasks, each
with its own assignee, note and figures, reads no more than a page of 10; a task with many
commenters no more than one with a single one."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from collab.platform.extensions import db
from collab.training.task_notes import forget_facts
from tests.support.factories import bearer, make_org, make_recommendation, make_user, membership

CATEGORIES = ("broken_links", "page_speed", "redirects", "technical_seo", "mobile")


@contextmanager
def statements():
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _tasks(org, agency, cio, staff, count: int) -> None:
    """``count`` IT tasks in every state, each assigned to one of ``staff`` in turn."""
    from collab.work.tasks import update_task

    director = membership(cio, org)
    for n in range(count):
        task = make_recommendation(
            org, agency, title=f"Fix broken links on section {n}", category=CATEGORIES[n % 5]
        ).tasks[0]
        steps = [{"status": "todo", "assignee": staff[n % len(staff)].email}]
        steps += [{"status": "in_progress"}, {"status": "done"}][: n % 3]
        for step in steps:
            update_task(director, task, step, task.version)
            db.session.commit()


def test_a_page_of_50_tasks_costs_what_a_page_of_10_costs(client):
    org = make_org("acme")
    cio, agency = make_user(org, "cio"), make_user(org, "agency")
    staff = [make_user(org, "it") for _ in range(12)]
    _tasks(org, agency, cio, staff, 60)
    headers = bearer(cio)
    client.get("/api/v1/orgs/acme/tasks?limit=10", headers=headers)  # the first use of a token

    counted = {}
    for limit in (10, 50):
        forget_facts()  # both read the organisation's facts (a second list would not)
        with statements() as seen:
            answer = client.get(f"/api/v1/orgs/acme/tasks?limit={limit}", headers=headers)
        assert answer.status_code == 200
        assert len(answer.json["items"]) == limit
        assert len({item["assignee"] for item in answer.json["items"]}) == min(limit, 12)
        counted[limit] = len(seen)
    assert counted[50] == counted[10], counted


def test_a_task_with_many_commenters_costs_what_one_with_a_single_one_costs(client):
    org = make_org("acme")
    cio, agency = make_user(org, "cio"), make_user(org, "agency")
    people = [make_user(org, "it") for _ in range(8)]
    quiet, busy = (make_recommendation(org, agency, title=f"Task {n}").tasks[0] for n in (1, 2))
    client.post(
        f"/api/v1/orgs/acme/tasks/{quiet.id}/comments", json={"body": "One."}, headers=bearer(cio)
    )
    for person in people:
        client.post(
            f"/api/v1/orgs/acme/tasks/{busy.id}/comments",
            json={"body": f"From {person.email}."},
            headers=bearer(person),
        )
    headers = bearer(cio)
    client.get("/api/v1/me", headers=headers)  # the first use of a token

    counted = {}
    for task in (quiet, busy):
        with statements() as seen:
            answer = client.get(f"/api/v1/orgs/acme/tasks/{task.id}/comments", headers=headers)
        assert answer.status_code == 200
        counted[len({item["author"] for item in answer.json["items"]})] = len(seen)
    assert set(counted) == {1, 8}
    assert counted[8] == counted[1], counted
