"""Tasks through the API: triage, moves, permissions, conflicts, comments, paging."""

import threading

import pytest
from sqlalchemy import select, update

from collab.models import Comment, Event, Notification, Task
from collab.platform.errors import Conflict, ValidationFailed
from collab.platform.extensions import db
from collab.work.conversation import add_comment
from collab.work.tasks import update_many, update_task
from tests.support.factories import bearer, make_org, make_recommendation, make_user, membership


def _world():
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "cmo", "it", "marketing", "agency")}
    rec = make_recommendation(
        org, people["agency"], title="Fix 1,000+ 404 errors found in the crawl"
    )
    return org, people, rec.tasks[0]


def _patch(client, user, task_id, **body):
    return client.patch(f"/api/v1/orgs/acme/tasks/{task_id}", json=body, headers=bearer(user))


def test_director_accepts_assigns_and_staff_work_it_through(client):
    org, p, task = _world()
    accepted = _patch(client, p["cio"], task.id, version=1, status="todo", assignee=p["it"].email)
    assert accepted.status_code == 200, accepted.json
    assert (accepted.json["status"], accepted.json["assignee"]) == ("todo", p["it"].email)
    version = accepted.json["version"]
    for status in ("in_progress", "review", "done"):
        moved = _patch(client, p["it"], task.id, version=version, status=status)
        assert moved.status_code == 200, moved.json
        version = moved.json["version"]
    assert moved.json["started_at"] and moved.json["completed_at"]
    rec = client.get(
        f"/api/v1/orgs/acme/recommendations/{task.recommendation_id}", headers=bearer(p["agency"])
    )
    assert rec.json["status"] == "done"
    # The agency hears that its recommendation is done.
    assert db.session.scalar(
        select(Notification).where(
            Notification.user_id == p["agency"].id, Notification.kind == "recommendation_done"
        )
    )
    # Every change is in the history, with who made it.
    events = db.session.scalars(
        select(Event).where(Event.task_id == task.id, Event.field == "status")
    )
    assert [(e.old, e.new) for e in events] == [
        ("triage", "todo"),
        ("todo", "in_progress"),
        ("in_progress", "review"),
        ("review", "done"),
    ]


def test_a_move_outside_the_table_is_422(client):
    org, p, task = _world()
    response = _patch(client, p["cio"], task.id, version=1, status="done")
    assert response.status_code == 422
    assert response.json["error"]["fields"]["status"] == "from Triage choose Rejected or To do"


def test_staff_cannot_touch_another_teams_task_or_triage(client):
    org, p, task = _world()  # an IT task
    accepted = _patch(client, p["cio"], task.id, version=1, status="todo")
    assert (
        _patch(client, p["marketing"], task.id, version=2, status="in_progress").status_code == 403
    )
    assert _patch(client, p["it"], task.id, version=2, status="rejected").status_code == 403
    assert _patch(client, p["it"], task.id, version=2, due_date="2030-01-01").status_code == 403
    assert _patch(client, p["agency"], task.id, version=2, status="in_progress").status_code == 403
    assert accepted.status_code == 200
    assert db.session.get(Task, task.id).status == "todo"


def test_assignee_must_belong_to_the_tasks_team(client):
    org, p, task = _world()
    response = _patch(client, p["cio"], task.id, version=1, assignee=p["marketing"].email)
    assert response.status_code == 422
    assert response.json["error"]["fields"]["assignee"] == (
        f"choose someone from IT ({p['marketing'].display_name} is not in it)"
    )


def test_stale_version_is_409_with_the_current_task(client):
    org, p, task = _world()
    assert _patch(client, p["cio"], task.id, version=1, priority="urgent").status_code == 200
    stale = _patch(client, p["cmo"], task.id, version=1, priority="low")
    assert stale.status_code == 409
    assert stale.json["error"]["current"]["priority"] == "urgent"
    assert stale.json["error"]["current"]["version"] == 2
    assert db.session.get(Task, task.id).priority == "urgent"


def test_two_concurrent_patches_with_one_version_give_exactly_one_409(app):
    org, p, task = _world()
    headers = [bearer(p["cio"]), bearer(p["cmo"])]
    barrier = threading.Barrier(2)
    statuses, failures = [], []
    task_id = task.id
    db.session.commit()  # the test's own transaction must not hold the database

    def patch(index):
        try:
            client = app.test_client()
            barrier.wait()
            response = client.patch(
                f"/api/v1/orgs/acme/tasks/{task_id}",
                json={"version": 1, "priority": ["urgent", "low"][index]},
                headers=headers[index],
            )
            statuses.append(response.status_code)
        except Exception as exc:  # surfaced below: a thread's exception is otherwise lost
            failures.append(exc)

    threads = [threading.Thread(target=patch, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(statuses) == [200, 409]


def test_reject_needs_a_reason_and_the_agency_is_told(client):
    org, p, task = _world()
    missing = _patch(client, p["cmo"], task.id, version=1, status="rejected", resolution="wont_do")
    assert missing.status_code == 422 and "reason" in missing.json["error"]["fields"]
    done = _patch(
        client,
        p["cmo"],
        task.id,
        version=1,
        status="rejected",
        resolution="wont_do",
        reason="the old section is being removed",
    )
    assert done.status_code == 200
    assert (done.json["resolution"], done.json["reason"]) == (
        "wont_do",
        "the old section is being removed",
    )
    note = db.session.scalar(
        select(Notification).where(
            Notification.user_id == p["agency"].id, Notification.kind == "task_rejected"
        )
    )
    assert "the old section is being removed" in note.text
    rec = client.get(
        f"/api/v1/orgs/acme/recommendations/{task.recommendation_id}", headers=bearer(p["agency"])
    )
    assert rec.json["status"] == "rejected"


def test_duplicate_points_at_another_task_of_the_same_org(client):
    org, p, task = _world()
    other = make_recommendation(org, p["agency"], title="Broken links on the blog").tasks[0]
    bad = _patch(
        client,
        p["cio"],
        task.id,
        version=1,
        status="rejected",
        resolution="duplicate",
        duplicate_of=task.id,
    )
    assert bad.status_code == 422
    ok = _patch(
        client,
        p["cio"],
        task.id,
        version=1,
        status="rejected",
        resolution="duplicate",
        duplicate_of=other.id,
    )
    assert ok.status_code == 200 and ok.json["duplicate_of"] == other.id


def test_waiting_on_agency_notifies_and_an_agency_comment_clears_it(client):
    org, p, task = _world()
    asked = _patch(client, p["cio"], task.id, version=1, waiting_on_agency=True)
    assert asked.status_code == 200 and asked.json["waiting_on_agency"] is True
    assert db.session.scalar(
        select(Notification).where(
            Notification.user_id == p["agency"].id, Notification.kind == "needs_information"
        )
    )
    answer = client.post(
        f"/api/v1/orgs/acme/tasks/{task.id}/comments",
        json={"body": "The 404s come from the old catalogue."},
        headers=bearer(p["agency"]),
    )
    assert answer.status_code == 201
    assert (
        client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(p["cio"])).json[
            "waiting_on_agency"
        ]
        is False
    )
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "agency_comment")
    ).all()
    assert sorted(told) == sorted([p["cio"].id, p["cmo"].id])


def test_internal_comments_are_hidden_from_the_agency(client):
    org, p, task = _world()
    assert (
        client.post(
            f"/api/v1/orgs/acme/tasks/{task.id}/comments",
            json={"body": "budget is tight", "internal": True},
            headers=bearer(p["cio"]),
        ).status_code
        == 201
    )
    client.post(
        f"/api/v1/orgs/acme/tasks/{task.id}/comments",
        json={"body": "on it"},
        headers=bearer(p["it"]),
    )
    seen_by_agency = client.get(
        f"/api/v1/orgs/acme/tasks/{task.id}/comments", headers=bearer(p["agency"])
    ).json["items"]
    assert [c["body"] for c in seen_by_agency] == ["on it"]
    refused = client.post(
        f"/api/v1/orgs/acme/tasks/{task.id}/comments",
        json={"body": "psst", "internal": True},
        headers=bearer(p["agency"]),
    )
    assert refused.status_code == 403


def test_bulk_patch_is_all_or_nothing(client):
    org, p, first = _world()
    second = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    bad = client.patch(
        "/api/v1/orgs/acme/tasks",
        headers=bearer(p["cio"]),
        json={
            "items": [
                {"id": first.id, "version": 1, "status": "todo"},
                {"id": second.id, "version": 1, "status": "done"},
            ]
        },
    )
    assert bad.status_code == 422
    assert "items[1].status" in bad.json["error"]["fields"]
    assert db.session.get(Task, first.id).status == "triage"
    good = client.patch(
        "/api/v1/orgs/acme/tasks",
        headers=bearer(p["cio"]),
        json={
            "items": [
                {"id": first.id, "version": 1, "status": "todo"},
                {"id": second.id, "version": 1, "status": "todo", "team": "it"},
            ]
        },
    )
    assert good.status_code == 200
    assert [t["status"] for t in good.json["items"]] == ["todo", "todo"]


def test_another_orgs_task_is_404_through_my_org(client):
    org, p, task = _world()
    other_org = make_org("globex")
    other_agency = make_user(other_org, "agency")
    make_user(other_org, "cio")
    theirs = make_recommendation(other_org, other_agency, title="Compress images").tasks[0]
    for path in (
        f"/api/v1/orgs/acme/tasks/{theirs.id}",
        f"/api/v1/orgs/acme/recommendations/{theirs.recommendation_id}",
        f"/api/v1/orgs/acme/tasks/{theirs.id}/comments",
    ):
        response = client.get(path, headers=bearer(p["cio"]))
        assert response.status_code == 404, path
    patch = _patch(client, p["cio"], theirs.id, version=1, status="todo")
    assert patch.status_code == 404
    dup = _patch(
        client,
        p["cio"],
        task.id,
        version=1,
        status="rejected",
        resolution="duplicate",
        duplicate_of=theirs.id,
    )
    assert dup.status_code == 422


def test_list_filters_and_cursor_paging(client):
    org, p, task = _world()
    for i in range(4):
        make_recommendation(org, p["agency"], title=f"Rewrite meta descriptions batch {i}")
    headers = bearer(p["cio"])
    seen, cursor = [], None
    while True:
        url = "/api/v1/orgs/acme/tasks?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=headers).json
        seen += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and seen == sorted(seen)
    marketing = client.get("/api/v1/orgs/acme/tasks?team=marketing", headers=headers).json
    assert len(marketing["items"]) == 4
    bad = client.get("/api/v1/orgs/acme/tasks?limit=500&status=nope", headers=headers)
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"limit", "status"}


def test_categories_are_listed_with_teams_and_metrics(client):
    org, p, task = _world()
    items = client.get("/api/v1/categories", headers=bearer(p["it"])).json["items"]
    assert len(items) >= 15
    by_slug = {c["slug"]: c for c in items}
    assert by_slug["page_speed"]["teams"] == ["it"]
    assert "lcp_ms" in by_slug["page_speed"]["metrics"]
    assert sorted(by_slug["landing_page"]["teams"]) == ["it", "marketing"]
    assert client.get("/api/v1/categories?org=acme", headers=bearer(p["it"])).status_code == 200
    assert client.get("/api/v1/categories?org=nope", headers=bearer(p["it"])).status_code == 404


def _saved_elsewhere(task_id, **values):
    """Another user's change, committed through its own connection meanwhile."""
    table = Task.__table__
    with db.engine.begin() as connection:
        connection.execute(
            update(table).where(table.c.id == task_id).values(version=table.c.version + 1, **values)
        )


def _status_of(task_id):
    return db.session.scalar(
        select(Task.status).where(Task.id == task_id).execution_options(populate_existing=True)
    )


def test_a_change_that_lost_the_race_is_refused_and_the_callers_other_work_stays(app):
    org, p, task = _world()
    other = make_recommendation(org, p["agency"], title="Compress the hero images").tasks[0]
    cio = membership(p["cio"], org)
    _saved_elsewhere(task.id, priority="urgent")
    # The caller's transaction already holds other work when the refused change comes.
    add_comment(cio, other, "The hero images again, see the audit.")
    update_task(cio, other, {"status": "todo"}, other.version)
    with pytest.raises(Conflict) as refused:
        update_task(cio, task, {"priority": "low", "status": "todo"}, task.version)
    assert (refused.value.current.priority, refused.value.current.version) == ("urgent", 2)
    db.session.commit()
    assert _status_of(other.id) == "todo"
    assert db.session.scalar(select(Comment.body).where(Comment.task_id == other.id))
    assert _status_of(task.id) == "triage"
    changed = select(Event.field).where(Event.task_id == task.id, Event.kind == "changed")
    assert db.session.scalars(changed).all() == []


def test_a_refused_bulk_change_undoes_its_items_but_not_the_callers_other_work(app):
    org, p, task = _world()
    other = make_recommendation(org, p["agency"], title="Compress the hero images").tasks[0]
    third = make_recommendation(org, p["agency"], title="Merge thin blog posts").tasks[0]
    cio = membership(p["cio"], org)
    add_comment(cio, third, "Waiting for the content plan.")
    with pytest.raises(ValidationFailed) as refused:
        update_many(
            cio,
            org,
            [
                {"id": task.id, "version": task.version, "status": "todo"},
                {"id": other.id, "version": other.version, "status": "done"},
            ],
        )
    assert set(refused.value.fields) == {"items[1].status"}
    db.session.commit()
    assert (_status_of(task.id), _status_of(other.id)) == ("triage", "triage")
    assert db.session.scalar(select(Comment.body).where(Comment.task_id == third.id))


def test_the_caller_decides_a_change_it_rolls_back_leaves_nothing(app):
    org, p, task = _world()
    # The change is the transaction's first write: its savepoint must not commit on its own.
    update_task(membership(p["cio"], org), task, {"status": "todo"}, task.version)
    db.session.rollback()
    assert _status_of(task.id) == "triage"
    assert db.session.scalars(select(Event.id).where(Event.kind == "changed")).all() == []


def test_a_re_teamed_task_keeps_only_an_assignee_who_works_the_new_team(client):
    org, p, task = _world()  # an IT task
    assigned = _patch(client, p["cio"], task.id, version=1, assignee=p["cio"].email)
    assert assigned.json["assignee"] == p["cio"].email  # the IT director may take IT work
    refused = _patch(client, p["cio"], task.id, version=2, assignee=p["cmo"].email)
    assert refused.json["error"]["fields"]["assignee"].startswith("choose someone from IT")
    moved = _patch(client, p["cio"], task.id, version=2, team="marketing")
    assert (moved.json["team"], moved.json["assignee"]) == ("marketing", None)


def test_the_api_asks_the_agency_a_question_that_reaches_it(client):
    org, p, task = _world()
    mixed = _patch(client, p["cio"], task.id, version=1, question="Which URLs?", priority="high")
    assert mixed.status_code == 422 and "question" in mixed.json["error"]["fields"]
    staff = _patch(client, p["it"], task.id, version=1, question="Which URLs?")
    assert staff.status_code == 403
    asked = _patch(client, p["cio"], task.id, version=1, question="Which URLs matter most?")
    assert asked.status_code == 200 and asked.json["waiting_on_agency"] is True
    told = db.session.scalar(
        select(Notification.text).where(
            Notification.user_id == p["agency"].id, Notification.kind == "needs_information"
        )
    )
    assert "Which URLs matter most?" in told
    comments = client.get(
        f"/api/v1/orgs/acme/tasks/{task.id}/comments", headers=bearer(p["agency"])
    ).json["items"]
    assert [c["body"] for c in comments] == ["Which URLs matter most?"]
    bulk = client.patch(
        "/api/v1/orgs/acme/tasks",
        json={"items": [{"id": task.id, "version": asked.json["version"], "question": " "}]},
        headers=bearer(p["cio"]),
    )
    assert bulk.status_code == 422 and "items[0].question" in bulk.json["error"]["fields"]
