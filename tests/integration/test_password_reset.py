"""Anyone can reset a forgotten password through a time-limited, single-use link."""

import re

from collab.models import PasswordReset
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from tests.support.factories import csrf_from, login, make_org, make_user

SAID = "If that address has an account, a reset link is on its way."


def _request_reset(client, email):
    page = client.get("/password/forgot")
    return client.post(
        "/password/forgot",
        data={"email": email, "csrf_token": csrf_from(page.text)},
        follow_redirects=True,
    )


def _last_link(app):
    from collab.notifications.outbox import relay

    relay()  # e-mail leaves through the outbox
    with open(app.config["MAIL_LOG"], encoding="utf-8") as log:
        return re.findall(r"https?://[^/\s]+(/password/reset/\S+)", log.read())[-1]


def test_reset_link_sets_a_new_password_once(client, app):
    user = make_user(make_org(), "it")
    assert SAID in _request_reset(client, user.email).text
    path = _last_link(app)
    form = client.get(path)
    assert form.status_code == 200
    done = client.post(
        path,
        data={
            "password": "brand-new-secret",
            "confirm": "brand-new-secret",
            "csrf_token": csrf_from(form.text),
        },
    )
    assert done.status_code == 302
    assert login(app.test_client(), user.email, "brand-new-secret").status_code == 302
    assert login(app.test_client(), user.email).status_code == 401  # the old one is gone
    assert client.get(path).status_code == 404  # single use


def test_unknown_address_gets_the_same_answer_and_no_mail(client, app):
    assert SAID in _request_reset(client, "nobody@example.com").text
    assert db.session.query(PasswordReset).count() == 0


def test_expired_link_is_refused(client, app):
    user = make_user(make_org(), "it")
    _request_reset(client, user.email)
    reset = db.session.query(PasswordReset).one()
    reset.expires_at = utcnow()
    db.session.commit()
    assert client.get(_last_link(app)).status_code == 404


def test_short_or_mismatched_password_shows_field_errors(client, app):
    user = make_user(make_org(), "it")
    _request_reset(client, user.email)
    path = _last_link(app)
    form = client.get(path)
    response = client.post(
        path, data={"password": "short", "confirm": "other", "csrf_token": csrf_from(form.text)}
    )
    assert response.status_code == 200
    assert "field-error" in response.text
    assert login(app.test_client(), user.email).status_code == 302  # unchanged


def test_a_new_password_signs_out_other_devices(client, app):
    user = make_user(make_org("acme"), "it")
    other = app.test_client()
    login(other, user.email)
    assert other.get("/orgs/acme/board").status_code == 200
    _request_reset(client, user.email)
    path = _last_link(app)
    form = client.get(path)
    client.post(
        path,
        data={
            "password": "brand-new-secret",
            "confirm": "brand-new-secret",
            "csrf_token": csrf_from(form.text),
        },
    )
    assert other.get("/orgs/acme/board").status_code == 302
