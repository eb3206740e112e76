"""Security headers on every response, in every mode; HSTS in production only; the
client address comes from X-Forwarded-For only behind TRUSTED_PROXIES proxies."""

from pathlib import Path

import pytest
from sqlalchemy import select

from collab import create_app
from collab.http.access import access
from collab.models import AuditEvent
from collab.platform.extensions import db
from collab.platform.testing import IsolatedClient
from tests.conftest import test_config as settings_for_tests
from tests.support.factories import PASSWORD, csrf_from, login, make_org, make_token, make_user

COMMON = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def _assert_secure(response, page: bool) -> None:
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    csp = _directives(response)
    assert csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    if page:
        assert csp["default-src"] == "'self'"
        assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
        assert csp["object-src"] == "'none'"
    else:
        assert csp["default-src"] == "'none'"
    assert "Strict-Transport-Security" not in response.headers


def test_pages_fragments_and_redirects_carry_the_headers(app, client):
    org = make_org("acme")
    user = make_user(org, "cio")
    _assert_secure(client.get("/login"), page=True)
    _assert_secure(client.get("/orgs/acme/board"), page=True)  # a redirect to sign in
    login(client, user.email)
    _assert_secure(client.get("/orgs/acme/board"), page=True)
    _assert_secure(client.get("/orgs/acme/board", headers={"HX-Request": "true"}), page=True)
    static = client.get("/static/css/app.css")
    static.close()  # a file streams: close it, as a server does
    _assert_secure(static, page=False)


def test_api_answers_and_api_errors_carry_the_headers(app, client):
    user = make_user(make_org("acme"), "cio")
    headers = {"Authorization": f"Bearer {make_token(user)}"}
    _assert_secure(client.get("/api/v1/me", headers=headers), page=False)
    _assert_secure(client.get("/api/v1/me"), page=False)  # 401
    _assert_secure(client.get("/api/v1/orgs/nope/tasks", headers=headers), page=False)  # 404
    _assert_secure(client.get("/api/v1/openapi.json"), page=False)
    _assert_secure(client.get("/healthz"), page=False)


def test_error_pages_carry_the_headers(app, client):
    @app.route("/test-only/boom")
    @access(public=True)
    def boom():
        raise RuntimeError("an unexpected failure")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as production does, with a page
    user = make_user(make_org("acme"), "it")
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    _assert_secure(missing, page=True)
    login(client, user.email)
    forbidden = client.get("/admin/")
    assert forbidden.status_code == 403
    _assert_secure(forbidden, page=True)
    failed = client.get("/test-only/boom")
    assert failed.status_code == 500
    _assert_secure(failed, page=True)
    csrf = client.post("/logout")
    assert csrf.status_code == 400
    _assert_secure(csrf, page=True)
    for _ in range(10):
        login(client, "nobody@example.com", "wrong-password")
    throttled = login(client, "nobody@example.com", "wrong-password")
    assert throttled.status_code == 429
    _assert_secure(throttled, page=True)


def _other_app(app, **settings):
    """The same database and Redis, configured differently at start-up."""
    other = create_app(
        {
            **settings_for_tests(
                app.config["SQLALCHEMY_DATABASE_URI"],
                app.config["REDIS_URL"],
                Path(app.config["INSTANCE_PATH"]),
            ),
            **settings,
        }
    )
    other.test_client_class = IsolatedClient
    return other


@pytest.fixture
def production(app):
    other = _other_app(app, PRODUCTION=True, SESSION_COOKIE_SECURE=True)
    yield other
    with other.app_context():
        db.engine.dispose()


def test_hsts_in_production_only(production):
    client = production.test_client()
    for response in (client.get("/login"), client.get("/api/v1/openapi.json")):
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"
        )
        assert response.headers["X-Frame-Options"] == "DENY"


def test_a_template_that_asks_for_a_nonce_gets_it_named_in_the_policy(app):
    from flask import render_template_string

    from collab.http.headers import secure

    with app.test_request_context("/"):
        html = render_template_string('<script nonce="{{ csp_nonce() }}">1</script>')
        response = secure(app.make_response(html))
    nonce = html.split('nonce="')[1].split('"')[0]
    assert f"'nonce-{nonce}'" in _directives(response)["script-src"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def _sign_in_from(app, forwarded_for: str) -> str:
    user = make_user(make_org(), "it")
    client = app.test_client()
    page = client.get("/login")
    client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return db.session.scalar(select(AuditEvent.address).where(AuditEvent.subject_id == user.id))


def test_forwarded_addresses_are_believed_only_from_trusted_proxies(app):
    # No proxy trusted (the default): a client cannot choose the address it is counted as.
    assert _sign_in_from(app, "203.0.113.7") == "127.0.0.1"
    proxied = _other_app(app, TRUSTED_PROXIES=1)
    try:
        # One proxy: its X-Forwarded-For names the client (the last address it appended).
        assert _sign_in_from(proxied, "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    finally:
        with proxied.app_context():
            db.engine.dispose()
