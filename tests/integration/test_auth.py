"""Signing in: one generic error, rate limits, CSRF, cookie flags, sessions."""

import re

from tests.support.factories import PASSWORD, csrf_from, login, make_org, make_user

GENERIC = "That e-mail and password do not match an active account."


def test_good_credentials_sign_in_and_land_on_the_board(client):
    org = make_org("acme")
    user = make_user(org, "cio")
    response = login(client, user.email)
    assert response.status_code == 302
    landing = client.get(response.headers["Location"])
    assert landing.headers["Location"].endswith("/orgs/acme/board")
    board = client.get("/orgs/acme/board")
    assert board.status_code == 200
    assert "Acme: board" in board.text


def test_wrong_password_and_unknown_email_get_the_same_message(client):
    user = make_user(make_org(), "it")
    wrong = login(client, user.email, "not-the-password")
    unknown = login(client, "nobody@example.com", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert GENERIC in wrong.text and GENERIC in unknown.text
    # The pages differ only in the address typed back (and the per-response CSRF token,
    # which carries a timestamp): nothing tells an attacker which addresses have accounts.
    assert _same_page(wrong.text, user.email) == _same_page(unknown.text, "nobody@example.com")


def _same_page(html: str, email: str) -> str:
    html = re.sub(r'name="csrf_token"([^>]*) value="[^"]*"', r'name="csrf_token"\1', html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', html)
    return re.sub(r'nonce="[^"]*"', "", html.replace(email, "X"))


def test_more_than_ten_failed_logins_a_minute_answer_429(client):
    user = make_user(make_org(), "it")
    statuses = [login(client, user.email, "wrong-password").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    # Even the right password waits out the limit: guessing does not pay.
    assert login(client, user.email).status_code == 429


def test_successful_logins_do_not_use_up_the_limit(client):
    user = make_user(make_org(), "it")
    for _ in range(12):
        assert login(client, user.email).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/profile/").text)})


def test_login_without_csrf_token_is_refused_with_400(client):
    user = make_user(make_org(), "cio")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/profile/").status_code == 302  # still anonymous


def test_session_cookie_is_httponly_and_samesite(client):
    user = make_user(make_org(), "cio")
    response = login(client, user.email)
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_logout_ends_the_session(client):
    user = make_user(make_org("acme"), "cio")
    login(client, user.email)
    token = csrf_from(client.get("/orgs/acme/board").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/orgs/acme/board").status_code == 302


def test_next_parameter_never_leaves_the_site(client):
    user = make_user(make_org(), "cio")
    page = client.get("/login?next=//evil.example/steal")
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "next": "//evil.example/steal",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert "evil.example" not in response.headers["Location"]


def test_deactivated_user_cannot_sign_in(client, app):
    from collab.platform.extensions import db

    user = make_user(make_org(), "it")
    user.active = False
    db.session.commit()
    response = login(client, user.email)
    assert response.status_code == 401
    assert GENERIC in response.text


def test_person_with_several_memberships_gets_the_switcher(client):
    agency_user = make_user(make_org("one"), "agency")
    make_user(make_org("two"), "agency", email=agency_user.email)
    login(client, agency_user.email)
    home = client.get("/")
    assert home.status_code == 200
    assert "/orgs/one/board" in home.text and "/orgs/two/board" in home.text
    board = client.get("/orgs/two/board")
    assert 'class="switcher"' in board.text and "/orgs/one/board" in board.text
