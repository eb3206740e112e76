"""Several cards at once from the board: assign, priority, due date, questions to the agency,
duplicates, and "select all" in a lane; all or nothing, under each card's own rules."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

from sqlalchemy import select

from collab.models import Notification, Task
from collab.platform.extensions import db
from collab.work.tasks import update_task
from tests.support.factories import (
    csrf_from,
    login,
    make_org,
    make_recommendation,
    make_user,
    membership,
)


def _world():
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "it", "marketing", "agency")}
    people["it"].name = "Dana Developer"
    db.session.commit()
    return org, people


def _it_tasks(org, p, count, accepted=True):
    made = []
    for i in range(count):
        task = make_recommendation(org, p["agency"], title=f"Compress images {i}").tasks[0]
        if accepted:
            update_task(membership(p["cio"], org), task, {"status": "todo"}, task.version)
        made.append(task)
    db.session.commit()
    return made


def _bulk(client, tasks, **fields):
    token = csrf_from(client.get("/orgs/acme/board").text)
    picked = [f"{t.id}:{t.version}" for t in tasks]
    answer = client.post(
        "/orgs/acme/tasks/bulk",
        data={"task": picked, "csrf_token": token, **fields},
        headers={"Referer": "http://localhost/orgs/acme/board"},
    )
    assert answer.status_code == 302
    page = client.get(answer.location).text
    return " ".join(unescape(m) for m in re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', page))


def test_assign_prioritise_and_date_several_cards_at_once(client):
    org, p = _world()
    tasks = _it_tasks(org, p, 3)
    login(client, p["cio"].email)
    said = _bulk(client, tasks[:2], action="assign", assignee=p["it"].email)
    assert "2 task(s) updated" in said
    db.session.expire_all()
    _bulk(client, tasks[:2], action="priority", priority="urgent")
    db.session.expire_all()
    _bulk(client, tasks[:2], action="due_date", due_date="2031-05-04")
    db.session.expire_all()
    rows = [db.session.get(Task, t.id) for t in tasks]
    assert [(t.assignee_id, t.priority, t.due_date) for t in rows[:2]] == [
        (p["it"].id, "urgent", date(2031, 5, 4))
    ] * 2
    assert rows[2].assignee_id is None and rows[2].due_date != date(2031, 5, 4)


def test_a_bulk_change_one_card_refuses_changes_none_and_names_it(client):
    org, p = _world()
    tasks = _it_tasks(org, p, 2)
    login(client, p["cio"].email)
    said = _bulk(client, tasks, action="assign", assignee=p["marketing"].email)
    assert "is not in it" in said and "“Compress images 0”" not in said  # said once, for all
    said = _bulk(client, tasks, action="priority", priority="")
    assert "Priority: choose the priority" in said
    db.session.expire_all()
    assert [db.session.get(Task, t.id).assignee_id for t in tasks] == [None, None]


def test_bulk_ask_puts_the_question_to_the_agency_for_each_card(client):
    org, p = _world()
    tasks = _it_tasks(org, p, 2, accepted=False)
    login(client, p["cio"].email)
    said = _bulk(client, tasks, action="ask", question="")
    assert "write the question to ask" in said
    _bulk(client, tasks, action="ask", question="Which pages first?")
    db.session.expire_all()
    assert all(db.session.get(Task, t.id).waiting_on_agency for t in tasks)
    told = db.session.scalars(
        select(Notification.text).where(
            Notification.user_id == p["agency"].id, Notification.kind == "needs_information"
        )
    ).all()
    assert len(told) == 2 and all("Which pages first?" in text for text in told)


def test_bulk_duplicates_point_at_the_original(client):
    org, p = _world()
    original, *copies = _it_tasks(org, p, 3, accepted=False)
    login(client, p["cio"].email)
    _bulk(client, copies, action="duplicate", duplicate_of=str(original.id))
    db.session.expire_all()
    assert [db.session.get(Task, t.id).duplicate_of_id for t in copies] == [original.id] * 2


def test_select_all_ticks_every_card_of_one_lane_without_script(client):
    org, p = _world()
    _it_tasks(org, p, 2)
    _it_tasks(org, p, 1, accepted=False)
    login(client, p["cio"].email)
    board = client.get("/orgs/acme/board").text
    link = re.search(r'<a class="pick-lane" href="([^"]+)"[^>]*Select all cards of To do', board)
    assert link, "no select-all link on the To do lane"
    ticked = client.get(unescape(link.group(1))).text
    todo = re.search(r'<ul class="lane" data-status="todo" data-team="it".*?</ul>', ticked, re.S)
    triage = re.search(
        r'<ul class="lane" data-status="triage" data-team="it".*?</ul>', ticked, re.S
    )
    assert todo.group(0).count("checked") == 2 and "checked" not in triage.group(0)


def test_staff_cannot_change_cards_in_bulk(client):
    org, p = _world()
    tasks = _it_tasks(org, p, 1)
    login(client, p["it"].email)
    token = csrf_from(client.get("/orgs/acme/board").text)
    answer = client.post(
        "/orgs/acme/tasks/bulk",
        data={
            "task": [f"{tasks[0].id}:{tasks[0].version}"],
            "action": "priority",
            "priority": "urgent",
            "csrf_token": token,
        },
    )
    assert answer.status_code == 403
