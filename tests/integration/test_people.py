"""Directors invite, change roles and deactivate; the last director stays."""

import re

import pytest

from collab.models import Invitation
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from tests.support.factories import (
    PASSWORD,
    csrf_from,
    form_post,
    login,
    make_org,
    make_token,
    make_user,
)


def _mail_links(app) -> list[str]:
    from collab.notifications.outbox import relay

    relay()  # e-mail leaves through the outbox
    with open(app.config["MAIL_LOG"], encoding="utf-8") as log:
        return re.findall(r"https?://\S+", log.read())


def test_director_invites_and_the_invitee_joins(client, app):
    org = make_org("acme")
    cio = make_user(org, "cio")
    login(client, cio.email)
    page = form_post(
        client,
        "/orgs/acme/people/",
        "/orgs/acme/people/invite",
        {"email": "new.dev@example.com", "role": "it"},
    )
    assert page.status_code == 200
    link = _mail_links(app)[-1]
    assert "/invitations/" in link
    assert link in page.text  # shown on screen too

    client.post("/logout", data={"csrf_token": csrf_from(page.text)})
    path = link.split("localhost", 1)[-1]
    accept = client.get(path)
    assert accept.status_code == 200 and "Join Acme" in accept.text
    joined = client.post(
        path,
        data={
            "name": "New Dev",
            "password": "a-long-password",
            "csrf_token": csrf_from(accept.text),
        },
    )
    assert joined.status_code == 302 and joined.headers["Location"].endswith("/orgs/acme/board")
    assert client.get("/orgs/acme/board").status_code == 200
    # The link works once.
    assert client.get(path).status_code == 404


def test_expired_invitation_is_refused(client, app):
    org = make_org("acme")
    cio = make_user(org, "cio")
    login(client, cio.email)
    form_post(
        client,
        "/orgs/acme/people/",
        "/orgs/acme/people/invite",
        {"email": "late@example.com", "role": "marketing"},
    )
    invitation = db.session.query(Invitation).one()
    invitation.expires_at = utcnow()
    db.session.commit()
    path = _mail_links(app)[-1].split("localhost", 1)[-1]
    response = client.get(path)
    assert response.status_code == 404
    assert "expired" in response.text


def test_invite_with_bad_email_shows_a_field_error(client):
    cio = make_user(make_org("acme"), "cio")
    login(client, cio.email)
    response = form_post(
        client,
        "/orgs/acme/people/",
        "/orgs/acme/people/invite",
        {"email": "not-an-email", "role": "it"},
    )
    assert response.status_code == 422
    assert "field-error" in response.text


def test_staff_cannot_manage_people(client):
    org = make_org("acme")
    make_user(org, "cio")
    dev = make_user(org, "it")
    login(client, dev.email)
    assert client.get("/orgs/acme/people/").status_code == 403
    token = csrf_from(client.get("/orgs/acme/board").text)
    response = client.post(
        "/orgs/acme/people/invite",
        data={"email": "x@example.com", "role": "cio", "csrf_token": token},
    )
    assert response.status_code == 403
    assert db.session.query(Invitation).count() == 0


def test_last_director_cannot_be_demoted_or_removed(client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    login(client, cio.email)
    member_id = cio.memberships[0].id
    demote = form_post(
        client,
        "/orgs/acme/people/",
        f"/orgs/acme/people/{member_id}/role",
        {f"m{member_id}-role": "it"},
    )
    assert demote.status_code == 422
    assert "last director" in demote.text
    remove = form_post(
        client, "/orgs/acme/people/", f"/orgs/acme/people/{member_id}/deactivate", {}
    )
    assert remove.status_code == 422
    db.session.refresh(cio.memberships[0])
    assert cio.memberships[0].role == "cio" and cio.memberships[0].active


def test_deactivating_a_leaver_ends_sessions_and_tokens_at_once(app, client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    leaver = make_user(org, "it")
    raw = make_token(leaver)
    leaver_client = app.test_client()
    login(leaver_client, leaver.email)
    assert leaver_client.get("/orgs/acme/board").status_code == 200
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200

    login(client, cio.email)
    member_id = leaver.memberships[0].id
    done = form_post(
        client,
        "/orgs/acme/people/",
        f"/orgs/acme/people/{member_id}/deactivate",
        {"confirmed": "yes"},
    )
    assert done.status_code == 302

    assert leaver_client.get("/orgs/acme/board").status_code == 302  # back to sign-in
    api = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 401
    assert login(app.test_client(), leaver.email, PASSWORD).status_code == 401


def test_role_change_takes_effect_on_the_next_request(app, client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    cmo = make_user(org, "cmo")
    other = app.test_client()
    login(other, cmo.email)
    assert other.get("/orgs/acme/people/").status_code == 200
    login(client, cio.email)
    member_id = cmo.memberships[0].id
    form_post(
        client,
        "/orgs/acme/people/",
        f"/orgs/acme/people/{member_id}/role",
        {f"m{member_id}-role": "marketing"},
    )
    assert other.get("/orgs/acme/people/").status_code == 403


def _open_task_of(org, assignee, agency, title="Fix broken links"):
    from collab.work.tasks import update_task
    from tests.support.factories import make_recommendation, membership

    director = next(m for m in org.memberships if m.role == "cio")
    task = make_recommendation(org, agency, title=title).tasks[0]
    update_task(director, task, {"status": "todo", "assignee": assignee.email}, task.version)
    db.session.commit()
    task_version = task.version
    update_task(membership(assignee, org), task, {"status": "in_progress"}, task_version)
    db.session.commit()
    return task


def test_a_leavers_open_tasks_go_back_to_triage(client):
    from collab.work import board_counts

    org = make_org("acme")
    cio = make_user(org, "cio")
    agency = make_user(org, "agency")
    leaver = make_user(org, "it")
    task = _open_task_of(org, leaver, agency)
    login(client, cio.email)
    member_id = leaver.memberships[0].id
    form_post(
        client,
        "/orgs/acme/people/",
        f"/orgs/acme/people/{member_id}/deactivate",
        {"confirmed": "yes"},
    )
    db.session.refresh(task)
    assert (task.status, task.assignee_id) == ("triage", None)
    assert {k: v for k, v in board_counts.counts(org.id).items() if v} == board_counts.recount(
        org.id
    )


def test_a_leavers_open_tasks_go_to_the_colleague_the_director_picks(client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    agency = make_user(org, "agency")
    leaver = make_user(org, "it")
    colleague = make_user(org, "it")
    task = _open_task_of(org, leaver, agency)
    login(client, cio.email)
    member_id = leaver.memberships[0].id
    response = form_post(
        client,
        "/orgs/acme/people/",
        f"/orgs/acme/people/{member_id}/deactivate",
        {"colleague": str(colleague.memberships[0].id), "confirmed": "yes"},
    )
    assert response.status_code == 302
    db.session.refresh(task)
    assert (task.status, task.assignee_id) == ("in_progress", colleague.id)


def test_deactivating_asks_first_and_says_what_happens_to_the_work(client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    agency = make_user(org, "agency")
    leaver = make_user(org, "it", email="dana@acme.example")
    colleague = make_user(org, "it", email="sam@acme.example")
    _open_task_of(org, leaver, agency)
    login(client, cio.email)
    member_id = leaver.memberships[0].id
    picked = {"colleague": str(colleague.memberships[0].id)}
    asked = form_post(
        client, "/orgs/acme/people/", f"/orgs/acme/people/{member_id}/deactivate", picked
    )
    assert asked.status_code == 200
    assert "Deactivate dana?" in asked.text
    assert "Their 1 open task goes" in " ".join(asked.text.split())
    assert "to sam" in asked.text
    db.session.refresh(leaver.memberships[0])
    assert leaver.memberships[0].active  # nothing happened yet
    done = client.post(
        f"/orgs/acme/people/{member_id}/deactivate",
        data={**picked, "confirmed": "yes", "csrf_token": csrf_from(asked.text)},
    )
    assert done.status_code == 302
    db.session.refresh(leaver.memberships[0])
    assert not leaver.memberships[0].active
    handed = client.application.test_client()
    login(handed, colleague.email)
    assert "handed you “Fix broken links” from dana" in handed.get("/orgs/acme/notifications/").text


def test_a_director_cannot_deactivate_themself(client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    make_user(org, "cmo")  # another director: the last-director rule is not what refuses
    login(client, cio.email)
    page = client.get("/orgs/acme/people/").text
    mine = cio.memberships[0].id
    assert f"/orgs/acme/people/{mine}/deactivate" not in page
    refused = client.post(
        f"/orgs/acme/people/{mine}/deactivate",
        data={"confirmed": "yes", "csrf_token": csrf_from(page)},
    )
    assert refused.status_code == 422
    assert "You cannot deactivate yourself. Member: ask another director to do it" in refused.text
    db.session.refresh(cio.memberships[0])
    assert cio.memberships[0].active


@pytest.mark.parametrize(("director", "staff"), [("cio", "it"), ("cmo", "marketing")])
def test_the_invitation_offers_the_directors_own_staff_role_first(client, director, staff):
    org = make_org("acme")
    login(client, make_user(org, director).email)
    page = client.get("/orgs/acme/people/").text
    invite = page.split('action="/orgs/acme/people/invite"', 1)[1]
    assert re.search(rf'<option selected value="{staff}">', invite)
    assert '<option selected value="cio">' not in invite
