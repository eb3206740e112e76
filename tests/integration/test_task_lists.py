"""My tasks, the archive of rejected work, and a board whose filters match nothing."""

from __future__ import annotations

from datetime import date
from html import unescape

from collab.platform.extensions import db
from collab.work.tasks import update_task
from tests.support.factories import login, make_org, make_recommendation, make_user, membership


def _world():
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "it", "agency")}
    db.session.commit()
    return org, people


def _task(org, p, title, **changes):
    task = make_recommendation(org, p["agency"], title=title).tasks[0]
    if changes:
        update_task(membership(p["cio"], org), task, changes, task.version)
    db.session.commit()
    return task


def test_my_tasks_lists_my_open_work_soonest_due_first(client):
    org, p = _world()
    me = p["it"].email
    _task(org, p, "Compress images later", status="todo", assignee=me, due_date="2031-06-01")
    _task(org, p, "Compress images sooner", status="todo", assignee=me, due_date="2031-01-01")
    _task(org, p, "Compress images for nobody", status="todo")
    finished = _task(org, p, "Compress images finished", status="todo", assignee=me)
    update_task(membership(p["cio"], org), finished, {"status": "in_progress"}, finished.version)
    update_task(membership(p["cio"], org), finished, {"status": "done"}, finished.version)
    db.session.commit()
    login(client, me)
    board = client.get("/orgs/acme/board").text
    assert 'href="/orgs/acme/my-tasks"' in board
    html = client.get("/orgs/acme/my-tasks").text
    assert html.index("Compress images sooner") < html.index("Compress images later")
    assert "Compress images for nobody" not in html and "Compress images finished" not in html
    login(client, p["cio"].email)
    assert "Nothing is assigned to you" in client.get("/orgs/acme/my-tasks").text


def test_the_archive_keeps_rejected_and_duplicate_work_with_the_reason(client):
    org, p = _world()
    original = _task(org, p, "Compress all images")
    _task(
        org,
        p,
        "Disavow bought links",
        status="rejected",
        resolution="wont_do",
        reason="Paid links hurt.",
    )
    _task(org, p, "Compress hero images", status="rejected", resolution="duplicate",
          duplicate_of=original.id)  # fmt: skip
    login(client, p["agency"].email)  # the agency reads why too
    html = unescape(client.get("/orgs/acme/archive").text)
    assert "Paid links hurt." in html and "Compress hero images" in html
    assert f"task #{original.id}" in html and "Compress all images<" not in html
    found = unescape(client.get("/orgs/acme/archive?q=PAID").text)
    assert "Disavow bought links" in found and "Compress hero images" not in found
    nothing = unescape(client.get("/orgs/acme/archive?q=zebra").text)
    assert "No rejected task's title or reason holds “zebra”" in nothing


def test_a_board_whose_filters_match_nothing_says_so(client):
    org, p = _world()
    _task(org, p, "Compress images", status="todo", due_date=date(2031, 1, 1).isoformat())
    login(client, p["cio"].email)
    html = client.get("/orgs/acme/board?q=zebra").text
    assert "No task matches these filters" in html and 'class="column"' not in html
    assert "data-live" in html  # applied as they change, with script
    whole = client.get("/orgs/acme/board").text
    assert "No task matches" not in whole and "Compress images" in whole
    russian = client.get("/orgs/acme/board?q=zebra", headers={"Accept-Language": "ru"}).text
    assert "Ни одна задача не подходит под эти фильтры" in russian
    assert 'href="/orgs/acme/board">Сбросьте их</a>' in russian
