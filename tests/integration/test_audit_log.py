"""The audit log: sign-ins, token use and permission changes, read by directors only."""

import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from collab.accounts import audit
from collab.models import ApiToken, AuditEvent
from collab.platform.extensions import db
from tests.support.factories import (
    csrf_from,
    form_post,
    login,
    make_org,
    make_token,
    make_user,
    membership,
)

LOG = "/orgs/acme/audit/"


def _actions(org) -> list[tuple[str, str]]:
    """(action, e-mail it concerns) of the organisation's events, newest first."""
    events, _ = audit.events_of(org, limit=500)
    return [(e.action, e.subject.email if e.subject else e.email) for e in events]


def test_sign_ins_and_failures_are_logged_for_each_organisation_of_the_person(client):
    acme, other = make_org("acme"), make_org("other")
    agency = make_user(acme, "agency")
    make_user(other, "agency", email=agency.email)
    login(client, agency.email, "wrong-password")
    login(client, agency.email)
    login(client, "nobody@example.com", "wrong-password")
    for org in (acme, other):
        assert _actions(org)[:2] == [
            ("signin.succeeded", agency.email),
            ("signin.failed", agency.email),
        ]
    # An attempt at no account belongs to no organisation.
    stray = db.session.scalar(select(AuditEvent).where(AuditEvent.email == "nobody@example.com"))
    assert stray.organization_id is None and stray.action == "signin.failed"


def test_token_use_is_logged_once_an_hour_not_per_request(client):
    org = make_org("acme")
    user = make_user(org, "agency")
    headers = {"Authorization": f"Bearer {make_token(user)}"}
    for _ in range(3):
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert [a for a, _ in _actions(org)].count("token.used") == 1

    token = db.session.scalar(select(ApiToken))
    at = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)
    token.last_used_at = None
    db.session.commit()
    assert audit.token_used(token, "192.0.2.1", at) is True
    assert audit.token_used(token, "192.0.2.1", at.replace(minute=40)) is False
    assert audit.token_used(token, "192.0.2.1", at.replace(hour=11, minute=1)) is True
    db.session.commit()
    assert [a for a, _ in _actions(org)].count("token.used") == 3


def test_permission_changes_are_logged_with_who_did_them(client, app):
    org = make_org("acme")
    cio = make_user(org, "cio")
    staff = make_user(org, "it")
    leaver = make_user(org, "marketing")
    login(client, cio.email)
    form_post(
        client,
        "/orgs/acme/people/",
        f"/orgs/acme/people/{membership(staff, org).id}/role",
        {f"m{membership(staff, org).id}-role": "marketing"},
    )
    form_post(
        client,
        "/orgs/acme/people/",
        f"/orgs/acme/people/{membership(leaver, org).id}/deactivate",
        {"confirmed": "yes"},
    )
    invited = form_post(
        client,
        "/orgs/acme/people/",
        "/orgs/acme/people/invite",
        {"email": "new.dev@example.com", "role": "it"},
    )
    link = re.search(r"/invitations/[\w-]+", invited.text).group(0)
    newcomer = app.test_client()
    page = newcomer.get(link)
    newcomer.post(
        link,
        data={"name": "New", "password": "a-long-password", "csrf_token": csrf_from(page.text)},
    )

    events, _ = audit.events_of(org)
    seen = {
        (
            e.action,
            e.actor.email if e.actor else None,
            e.subject.email if e.subject else e.email,
            e.detail,
        )
        for e in events
    }
    assert ("role.changed", cio.email, staff.email, "it → marketing") in seen
    assert ("member.deactivated", cio.email, leaver.email, "was marketing") in seen
    assert ("invitation.sent", cio.email, "new.dev@example.com", "as it") in seen
    assert ("invitation.accepted", "new.dev@example.com", "new.dev@example.com", "as it") in seen


def test_directors_read_it_newest_first_a_page_at_a_time(client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    for i in range(audit.PAGE + 5):
        audit.record("signin.failed", org, email=f"guess{i:02d}@example.com", address="192.0.2.9")
    db.session.commit()
    login(client, cio.email)  # the newest event of all
    first = client.get(LOG)
    assert first.status_code == 200
    assert first.text.index(cio.email) < first.text.index("guess54@example.com")
    assert "guess05@example.com" not in first.text  # on the next page
    older = re.search(r'href="([^"]+before=\d+)"', first.text).group(1).replace("&amp;", "&")
    second = client.get(older)
    assert "guess05@example.com" in second.text and "guess00@example.com" in second.text
    assert "guess54@example.com" not in second.text
    assert 'rel="next"' not in second.text
    assert client.get(LOG + "?before=not-a-number").status_code == 404


def test_the_agency_and_staff_are_refused_and_other_orgs_see_nothing(client):
    org, other = make_org("acme"), make_org("other")
    for role in ("agency", "it", "marketing"):
        person = make_user(org, role)
        browser = client.application.test_client()
        login(browser, person.email)
        assert browser.get(LOG).status_code == 403
    stranger = make_user(other, "cio")
    login(client, stranger.email)
    assert client.get(LOG).status_code == 404
    assert client.get("/orgs/other/audit/").status_code == 200
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.organization_id == other.id)
        )
        >= 1
    )  # the stranger's own sign-in, in their own organisation
