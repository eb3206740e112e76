"""Due dates already past: the forms warn and ask before keeping one; the API keeps accepting
them (scripts backfilling history need them) and the task's history says so."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from collab.models import Event, Recommendation, Task
from collab.platform.extensions import db
from tests.support.factories import (
    bearer,
    csrf_from,
    form_post,
    login,
    make_org,
    make_recommendation,
    make_user,
)

QUESTION = (
    "2001-01-01 has already passed: the task would be overdue from the start. "
    "Choose a later date, or tick “Keep this date” and save again."
)
SAID = "set a due date that had already passed (2001-01-01): the task was overdue from the start"


def _world():
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "agency")}
    return org, people


def _field_error(html: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


def _warnings(task_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(Event.new).where(Event.task_id == task_id, Event.kind == "warning")
        )
    )


def test_triage_asks_before_keeping_a_past_due_date(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["cio"].email)
    page = f"/orgs/acme/tasks/{task.id}"
    typed = {"status": "todo", "due_date": "2001-01-01", "version": str(task.version)}
    asked = form_post(client, page, f"{page}/update", typed)
    assert asked.status_code == 422
    assert _field_error(asked.text, "due_date") == QUESTION
    assert 'name="past_due_ok"' in asked.text and 'value="2001-01-01"' in asked.text
    db.session.expire_all()
    assert db.session.get(Task, task.id).due_date != date(2001, 1, 1)  # nothing saved yet

    confirmed = client.post(
        f"{page}/update", data={**typed, "past_due_ok": "y", "csrf_token": csrf_from(asked.text)}
    )
    assert confirmed.status_code == 303
    db.session.expire_all()
    saved = db.session.get(Task, task.id)
    assert (saved.status, saved.due_date) == ("todo", date(2001, 1, 1))
    assert _warnings(task.id) == ["2001-01-01"]
    assert SAID in client.get(page).text


def test_a_past_date_already_on_the_task_is_not_asked_about_again(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    task.due_date = date(2001, 1, 1)
    db.session.commit()
    login(client, p["cio"].email)
    page = f"/orgs/acme/tasks/{task.id}"
    saved = form_post(
        client,
        page,
        f"{page}/update",
        {"status": "todo", "due_date": "2001-01-01", "version": str(task.version)},
    )
    assert saved.status_code == 303


def test_the_filing_form_asks_too(client):
    org, p = _world()
    login(client, p["agency"].email)
    typed = {"title": "Fix redirects", "priority": "medium", "due_date": "2001-01-01"}
    asked = form_post(
        client, "/orgs/acme/recommendations/new", "/orgs/acme/recommendations/new", typed
    )
    assert asked.status_code == 422
    assert "2001-01-01 has already passed" in _field_error(asked.text, "due_date")
    assert "Fix redirects" in asked.text  # what was typed stays
    assert db.session.scalar(select(Recommendation.id)) is None
    filed = client.post(
        "/orgs/acme/recommendations/new",
        data={**typed, "past_due_ok": "y", "csrf_token": csrf_from(asked.text)},
    )
    assert filed.status_code == 302
    task = db.session.scalar(select(Task))
    assert task.due_date == date(2001, 1, 1) and _warnings(task.id) == ["2001-01-01"]


def test_the_api_accepts_past_due_dates_and_the_history_keeps_a_warning(client):
    org, p = _world()
    filed = client.post(
        "/api/v1/orgs/acme/recommendations",
        json={"title": "Fix broken links", "due_date": "2001-01-01"},
        headers=bearer(p["agency"]),
    )
    assert filed.status_code == 201
    task = filed.json["tasks"][0]
    assert (task["due_date"], task["overdue"]) == ("2001-01-01", True)
    assert _warnings(task["id"]) == ["2001-01-01"]
    patched = client.patch(
        f"/api/v1/orgs/acme/tasks/{task['id']}",
        json={"version": task["version"], "due_date": "2019-06-30"},
        headers=bearer(p["cio"]),
    )
    assert patched.status_code == 200 and patched.json["due_date"] == "2019-06-30"
    assert _warnings(task["id"]) == ["2001-01-01", "2019-06-30"]
    # A date still ahead is no warning.
    client.patch(
        f"/api/v1/orgs/acme/tasks/{task['id']}",
        json={"version": patched.json["version"], "due_date": "2099-01-01"},
        headers=bearer(p["cio"]),
    )
    assert len(_warnings(task["id"])) == 2
