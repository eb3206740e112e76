"""Triage with one button, on the task page and on a triage card: accept, reject with a
reason the agency reads, ask the agency a question that reaches it, mark a duplicate found
by its title."""

from __future__ import annotations

from html import unescape

from sqlalchemy import select

from collab.models import Comment, Notification, OutboxEmail, Task
from collab.platform.extensions import db
from tests.support.factories import csrf_from, login, make_org, make_recommendation, make_user


def _world():
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "it", "agency")}
    people["cio"].name = "Irina CIO"
    db.session.commit()
    return org, people


def _decide(client, task, **fields):
    page = client.get(f"/orgs/acme/tasks/{task.id}")
    data = {"csrf_token": csrf_from(page.text), "version": str(task.version), **fields}
    return client.post(
        f"/orgs/acme/tasks/{task.id}/decide",
        data=data,
        headers={"Referer": f"http://localhost/orgs/acme/tasks/{task.id}"},
    )


def test_the_task_page_offers_the_four_decisions_at_the_top(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["cio"].email)
    html = client.get(f"/orgs/acme/tasks/{task.id}").text
    top = html.split('id="desc-h"', 1)[0]
    for button in (">Accept<", ">Reject<", ">Need info<", "Duplicate of: find the task"):
        assert button in top, button


def test_accept_and_reject_with_a_reason_the_agency_reads(client):
    org, p = _world()
    accepted = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    rejected = make_recommendation(org, p["agency"], title="Buy more links").tasks[0]
    login(client, p["cio"].email)
    answer = _decide(client, accepted, decision="accept")
    assert answer.status_code == 303
    assert "is accepted" in unescape(client.get(answer.location).text)
    refused = _decide(client, rejected, decision="reject", reason="  ")
    assert "say why it will not be done" in unescape(client.get(refused.location).text)
    _decide(client, rejected, decision="reject", reason="Paid links break the rules.")
    db.session.expire_all()
    assert db.session.get(Task, accepted.id).status == "todo"
    assert db.session.get(Task, rejected.id).status == "rejected"
    told = db.session.scalar(
        select(Notification.text).where(
            Notification.user_id == p["agency"].id, Notification.kind == "task_rejected"
        )
    )
    assert "Paid links break the rules." in told
    login(client, p["agency"].email)
    assert "Paid links break the rules." in client.get(f"/orgs/acme/tasks/{rejected.id}").text


def test_need_info_puts_the_question_to_the_agency_in_app_and_by_email(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Fix 404s").tasks[0]
    login(client, p["cio"].email)
    refused = _decide(client, task, decision="ask", question="")
    assert "Question: write the question" in unescape(client.get(refused.location).text)
    _decide(client, task, decision="ask", question="Which of the\n1,200 URLs matter most?")
    db.session.expire_all()
    assert db.session.get(Task, task.id).waiting_on_agency is True
    told = db.session.scalar(
        select(Notification).where(
            Notification.user_id == p["agency"].id, Notification.kind == "needs_information"
        )
    )
    assert "Which of the 1,200 URLs matter most?" in told.text
    mail = db.session.scalar(select(OutboxEmail).where(OutboxEmail.notification_id == told.id))
    assert "Which of the" in mail.body and "\n" not in mail.subject
    # The question is in the conversation the agency reads and answers.
    comment = db.session.scalar(select(Comment).where(Comment.task_id == task.id))
    assert comment.internal is False and "1,200 URLs" in comment.body
    login(client, p["agency"].email)
    assert "1,200 URLs matter most?" in client.get(f"/orgs/acme/tasks/{task.id}").text


def test_duplicate_of_a_task_found_by_its_title(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress hero images").tasks[0]
    original = make_recommendation(org, p["agency"], title="Compress all images").tasks[0]
    make_recommendation(org, p["agency"], title="Rewrite meta titles")
    neighbour = make_org("other")
    make_recommendation(neighbour, make_user(neighbour, "agency"), title="Compress images there")
    login(client, p["cio"].email)
    html = unescape(client.get(f"/orgs/acme/tasks/{task.id}?duplicate_q=compress+IMAGES").text)
    results = html.split('id="duplicate-results"', 1)[1].split("</section>", 1)[0]
    assert "Compress all images" in results
    assert "Rewrite meta titles" not in results and "there" not in results
    assert "Compress hero images" not in results  # never itself
    _decide(client, task, decision="duplicate", duplicate_of=str(original.id))
    db.session.expire_all()
    done = db.session.get(Task, task.id)
    assert (done.status, done.resolution, done.duplicate_of_id) == (
        "rejected",
        "duplicate",
        original.id,
    )


def test_staff_and_the_agency_see_no_decisions_and_may_not_post_them(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    for role in ("it", "agency"):
        login(client, p[role].email)
        page = client.get(f"/orgs/acme/tasks/{task.id}")
        assert 'id="decide"' not in page.text
        answer = client.post(
            f"/orgs/acme/tasks/{task.id}/decide",
            data={"csrf_token": csrf_from(page.text), "version": "1", "decision": "accept"},
        )
        assert answer.status_code == 403
    db.session.expire_all()
    assert db.session.get(Task, task.id).status == "triage"


def test_a_triage_card_carries_the_decisions_for_directors_only(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["cio"].email)
    card = client.get("/orgs/acme/board").text.split(f'id="card-{task.id}"', 1)[1]
    card = card.split("</li>", 1)[0]
    assert f'action="/orgs/acme/tasks/{task.id}/decide"' in card
    for said in (">Accept<", "<summary>Reject</summary>", "<summary>Need info</summary>"):
        assert said in card, said
    assert f"/orgs/acme/tasks/{task.id}#decide" in card  # Duplicate of: search on the page
    login(client, p["it"].email)
    assert "/decide" not in client.get("/orgs/acme/board").text


def test_a_cards_decision_through_htmx_takes_it_off_the_triage_lane(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["cio"].email)
    token = csrf_from(client.get("/orgs/acme/board").text)
    htmx = {"HX-Request": "true", "HX-Current-URL": "http://localhost/orgs/acme/board"}
    refused = client.post(
        f"/orgs/acme/tasks/{task.id}/decide",
        data={"csrf_token": token, "version": "1", "decision": "reject", "reason": ""},
        headers=htmx,
    )
    assert refused.status_code == 422 and f'id="card-{task.id}"' in refused.text
    assert "say why it will not be done" in unescape(refused.headers["HX-Trigger"])
    answer = client.post(
        f"/orgs/acme/tasks/{task.id}/decide",
        data={"csrf_token": token, "version": "1", "decision": "accept"},
        headers=htmx,
    )
    assert answer.status_code == 200 and f'id="card-{task.id}"' not in answer.text
    assert 'id="count-todo" hx-swap-oob="true">1<' in answer.text
    assert "is accepted" in answer.headers["HX-Trigger"]
