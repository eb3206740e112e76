"""Signing out and changing the password end every session and remember-me token; a new
password kills every reset link still outstanding."""

import re

from tests.support.factories import PASSWORD, csrf_from, form_post, login, make_org, make_user

BOARD = "/orgs/acme/board"


def _sign_in_remembered(client, email):
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 302
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")}


def _replay(app, cookies: dict):
    """A fresh browser holding copies of these cookies, as a thief would."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _sign_out(client):
    return client.post("/logout", data={"csrf_token": csrf_from(client.get(BOARD).text)})


def test_cookies_copied_before_signing_out_open_nothing_after(app, client):
    user = make_user(make_org("acme"), "cio")
    cookies = _sign_in_remembered(client, user.email)
    # The copies work while the person is signed in: the replay is a real one.
    assert _replay(app, cookies).get(BOARD).status_code == 200
    assert _replay(app, {"remember_token": cookies["remember_token"]}).get(BOARD).status_code == 200

    assert _sign_out(client).status_code == 302
    assert _replay(app, {"session": cookies["session"]}).get(BOARD).status_code == 302
    assert _replay(app, {"remember_token": cookies["remember_token"]}).get(BOARD).status_code == 302
    assert _replay(app, cookies).get(BOARD).status_code == 302


def test_signing_out_ends_the_sessions_on_other_devices_too(app, client):
    user = make_user(make_org("acme"), "cio")
    laptop = app.test_client()
    _sign_in_remembered(laptop, user.email)
    _sign_in_remembered(client, user.email)
    _sign_out(client)
    assert laptop.get(BOARD).status_code == 302
    # Signing in again works as before.
    _sign_in_remembered(client, user.email)
    assert client.get(BOARD).status_code == 200


def _change_password(client, current, new):
    return form_post(
        client,
        "/profile/",
        "/profile/password",
        {"current": current, "password": new, "confirm": new},
    )


def test_changing_the_password_keeps_this_browser_and_ends_every_other(app, client):
    user = make_user(make_org("acme"), "cio")
    stolen = _sign_in_remembered(app.test_client(), user.email)
    _sign_in_remembered(client, user.email)
    changed = _change_password(client, PASSWORD, "a-brand-new-secret")
    assert changed.status_code == 303
    assert client.get(BOARD).status_code == 200  # this browser stays signed in
    assert _replay(app, stolen).get(BOARD).status_code == 302
    assert _replay(app, {"remember_token": stolen["remember_token"]}).get(BOARD).status_code == 302


def test_changing_the_password_needs_the_current_one(app, client):
    user = make_user(make_org("acme"), "cio")
    _sign_in_remembered(client, user.email)
    refused = _change_password(client, "not-my-password", "a-brand-new-secret")
    assert refused.status_code == 422
    assert "that is not your password" in refused.text
    assert client.get(BOARD).status_code == 200


def _request_reset(client, email):
    page = client.get("/password/forgot")
    client.post("/password/forgot", data={"email": email, "csrf_token": csrf_from(page.text)})


def _links(app) -> list[str]:
    from collab.notifications.outbox import relay

    relay()
    with open(app.config["MAIL_LOG"], encoding="utf-8") as log:
        return re.findall(r"https?://[^/\s]+(/password/reset/\S+)", log.read())


def _use_link(client, path, password):
    form = client.get(path)
    assert form.status_code == 200
    return client.post(
        path, data={"password": password, "confirm": password, "csrf_token": csrf_from(form.text)}
    )


def test_an_older_reset_link_dies_when_a_newer_one_is_used(app, client):
    user = make_user(make_org("acme"), "it")
    _request_reset(client, user.email)
    _request_reset(client, user.email)
    older, newer = _links(app)
    open_tab = app.test_client()
    older_form = open_tab.get(older)  # still open in another tab
    assert _use_link(client, newer, "the-newest-secret").status_code == 302
    assert client.get(older).status_code == 404
    late = open_tab.post(
        older,
        data={
            "password": "an-older-choice",
            "confirm": "an-older-choice",
            "csrf_token": csrf_from(older_form.text),
        },
    )
    assert late.status_code == 404
    assert login(app.test_client(), user.email, "the-newest-secret").status_code == 302


def test_reset_links_die_when_the_password_is_changed_on_the_profile(app, client):
    user = make_user(make_org("acme"), "it")
    _request_reset(app.test_client(), user.email)
    [path] = _links(app)
    _sign_in_remembered(client, user.email)
    assert _change_password(client, PASSWORD, "a-brand-new-secret").status_code == 303
    assert app.test_client().get(path).status_code == 404


def test_reset_links_point_at_base_url_whatever_host_the_request_named(app, client):
    app.config["BASE_URL"] = "https://collab.example.com"
    user = make_user(make_org("acme"), "it")
    page = client.get("/password/forgot", headers={"Host": "attacker.example"})
    client.post(
        "/password/forgot",
        data={"email": user.email, "csrf_token": csrf_from(page.text)},
        headers={"Host": "attacker.example"},
    )
    _links(app)
    with open(app.config["MAIL_LOG"], encoding="utf-8") as log:
        text = log.read()
    assert "https://collab.example.com/password/reset/" in text
    assert "attacker.example" not in text
