"""A refused change reads the same on every page: the reason at the top, each field's problem
beside that field when the page shows the form, and nothing half-saved."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from collab.models import RoutingRule, Task
from collab.platform.extensions import db
from tests.support.factories import (
    csrf_from,
    form_post,
    login,
    make_org,
    make_recommendation,
    make_user,
)


class Messages(HTMLParser):
    """The page's error messages (top of the page) and field errors (by the field's id)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.errors: list[str] = []
        self.fields: dict[str, str] = {}
        self._into: tuple[str, str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if "flash-error" in classes and "hidden" not in attributes:
            self._into = ("page", "")
        elif "field-error" in classes:
            self._into = ("field", attributes["id"].removesuffix("-error"))

    def handle_endtag(self, tag):
        if tag == "p":
            self._into = None

    def handle_data(self, data):
        if self._into is None:
            return
        kind, name = self._into
        if kind == "page":
            self.errors.append(data.strip())
        else:
            self.fields[name] = self.fields.get(name, "") + data


def _world():
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "it", "marketing", "agency")}
    return org, people


def _selected(html: str, name: str) -> str:
    select = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', html, re.S).group(1)
    return re.search(r'<option selected value="([^"]*)"', select).group(1)


def test_a_refused_triage_keeps_what_was_typed_and_says_why_at_the_form(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["cio"].email)
    refused = form_post(
        client,
        f"/orgs/acme/tasks/{task.id}",
        f"/orgs/acme/tasks/{task.id}/update",
        {"status": "rejected", "priority": "low", "reason": "", "version": str(task.version)},
    )
    # The same page again, not a redirect to a blank form: what was chosen stays chosen...
    assert refused.status_code == 422
    assert _selected(refused.text, "status") == "rejected"
    assert _selected(refused.text, "priority") == "low"
    # ...and the problem is said beside its field, in the triage form, not at the top.
    page = Messages(refused.text)
    assert page.fields["resolution"] == "to reject a task, choose “Won't do” or “Duplicate”"
    form_at = refused.text.index('id="triage"')
    assert refused.text.index("The task was not changed.") > form_at
    assert [e for e in page.errors if e] == ["The task was not changed."]
    db.session.expire_all()
    saved = db.session.get(Task, task.id)
    assert (saved.status, saved.priority) == ("triage", task.priority)


def test_the_code_never_speaks_through_a_triage_refusal(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["cio"].email)
    refused = form_post(
        client,
        f"/orgs/acme/tasks/{task.id}",
        f"/orgs/acme/tasks/{task.id}/update",
        {
            "status": "rejected",
            "resolution": "duplicate",
            "duplicate_of": "99999",
            "version": str(task.version),
        },
    )
    assert refused.status_code == 422
    assert Messages(refused.text).fields["duplicate_of"] == (
        "there is no task #99999 here; check the number of the task this one duplicates"
    )
    moved = form_post(  # from Triage a task goes to To do or Rejected, never Done
        client,
        f"/orgs/acme/tasks/{task.id}",
        f"/orgs/acme/tasks/{task.id}/update",
        {"status": "done", "version": str(task.version)},
    )
    assert Messages(moved.text).fields["status"] == "from Triage choose Rejected or To do"
    assert "A task cannot go from Triage to Done." in Messages(moved.text).errors


def test_bulk_refusals_name_the_field_and_the_tasks_in_words(client):
    org, p = _world()
    routed = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    unrouted = make_recommendation(org, p["agency"], title="Discuss the audit").tasks[0]
    login(client, p["cio"].email)
    board = "/orgs/acme/board"

    def bulk(action, *tasks, **fields):
        picked = [f"{t.id}:{t.version}" for t in tasks]
        response = form_post(
            client, board, "/orgs/acme/tasks/bulk", {"task": picked, "action": action, **fields}
        )
        return Messages(client.get(response.headers["Location"]).text).errors

    assert bulk("accept") == ["No task was selected. Tasks: select at least one task."]
    assert bulk("reject", routed, unrouted, reason="") == [
        "No task was changed. Reason: say why it will not be done (the agency reads it)."
    ]
    assert bulk("accept", routed, unrouted) == [
        "No task was changed. Team of “Discuss the audit”: choose a team before accepting."
    ]
    for said in (bulk("accept"), bulk("reject", routed, reason="")):
        assert not re.search(r"items|\[\d\]|wont_do|_", said[0])


def test_a_form_shows_each_problem_beside_its_field_and_keeps_what_was_typed(client):
    org, p = _world()
    login(client, p["agency"].email)
    refused = form_post(
        client,
        "/orgs/acme/recommendations/new",
        "/orgs/acme/recommendations/new",
        {
            "title": "Fix redirects",
            "urls": "https://acme.example/a\n\nnot-a-url",
            "priority": "low",
        },
    )
    assert refused.status_code == 422
    page = Messages(refused.text)
    assert page.errors and "not-a-url" not in page.errors[0]  # the reason, at the top
    assert page.fields["urls"].startswith("line 2: ") and "(not-a-url)" in page.fields["urls"]
    assert "Fix redirects" in refused.text and "https://acme.example/a" in refused.text


def test_a_problem_without_a_field_on_the_page_is_said_at_the_top(client):
    org, p = _world()
    login(client, p["cio"].email)
    for _ in range(2):
        response = form_post(
            client,
            "/orgs/acme/settings/",
            "/orgs/acme/settings/rules",
            {"phrase": "Bitrix", "team": "it"},
        )
    page = Messages(client.get(response.headers["Location"]).text)
    assert page.errors == [
        "The rule was not added. "
        "Phrase: there is already a rule for this phrase; remove it first to change it."
    ]
    assert db.session.query(RoutingRule).count() == 1


def test_an_htmx_refusal_travels_in_its_answer_and_leaves_no_message_for_later(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["marketing"].email)
    token = csrf_from(client.get("/orgs/acme/board").text)
    refused = client.post(
        f"/orgs/acme/tasks/{task.id}/move",
        data={"status": "todo", "version": str(task.version)},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert refused.status_code in (403, 422)
    assert "collab:refused" in refused.headers["HX-Trigger"]
    assert Messages(client.get("/orgs/acme/board").text).errors == []


def test_alert_settings_name_the_field_and_the_value_to_fix(client):
    org, p = _world()
    login(client, p["cio"].email)
    base = {"due_soon_days": "2", "level_days": "1,3,7", "triage_days": "2", "holidays": ""}
    for typed, said in [
        (
            {"holidays": "2026-12-25, 2026-13-01"},
            "The alert settings were not changed. Holidays: “2026-13-01” is not a date: "
            "write each holiday as YYYY-MM-DD, e.g. 2026-12-25, separated by commas.",
        ),
        (
            {"level_days": "7,3,1"},
            "The alert settings were not changed. Overdue levels at (days late): "
            "make each number of days larger than the one before, e.g. 1,3,7.",
        ),
        (
            {"due_soon_days": "soon"},
            "The alert settings were not changed. Due soon within (days): "
            "write a whole number of days from 0 to 3660.",
        ),
    ]:
        response = form_post(
            client, "/orgs/acme/settings/", "/orgs/acme/settings/alerts", {**base, **typed}
        )
        assert Messages(client.get(response.headers["Location"]).text).errors == [said]
    saved = form_post(
        client,
        "/orgs/acme/settings/",
        "/orgs/acme/settings/alerts",
        {**base, "holidays": "2026-12-25"},
    )
    assert Messages(client.get(saved.headers["Location"]).text).errors == []
