"""Every registered route is guarded: anonymous requests are refused, and a member of
one organisation finds nothing at another organisation's URLs."""

import re

import pytest

from tests.support.factories import login, make_org, make_token, make_user

PUBLIC = {
    "auth.login",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.accept_invitation",
    "home.healthz",
    "api.openapi",
    "calendar.feed",  # the token in its URL is the credential
    "telegram.updates",  # Telegram proves itself with the secret header
    "language.switch",  # a visitor may read the sign-in page in Russian
    "static",
}
SAMPLE = {"int": "1", "default": "x", "string": "x", "path": "x"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(rule, org: str) -> str:
    def fill(match):
        converter, name = match.group(1) or "default", match.group(2)
        return org if name == "org" else SAMPLE.get(converter, "1")

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, rule.rule)


def test_every_route_declares_an_access_rule(app):
    from collab.http.access import rule_for

    missing = [
        rule.endpoint for rule in app.url_map.iter_rules() if rule_for(rule.endpoint) is None
    ]
    assert missing == []


def test_anonymous_requests_are_refused_everywhere_but_public_routes(app):
    app.config["WTF_CSRF_ENABLED"] = False  # reach the permission check itself
    make_org("acme")
    client = app.test_client()
    checked = 0
    for rule, method in _routes(app):
        if rule.endpoint in PUBLIC:
            continue
        response = client.open(_url(rule, "acme"), method=method)
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, rule.rule
            assert response.json["error"]["code"] == "unauthorized"
        else:
            assert response.status_code == 302, (method, rule.rule, response.status_code)
            assert "/login" in response.headers["Location"]
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("role", ["cio", "agency", "it"])
def test_member_of_one_org_gets_404_on_every_url_of_another(app, role):
    mine, theirs = make_org("mine"), make_org("theirs")
    make_user(theirs, "cio")
    user = make_user(mine, role)
    token = make_token(user)
    client = app.test_client()
    login(client, user.email)
    app.config["WTF_CSRF_ENABLED"] = False  # reach the permission check itself
    checked = 0
    for rule, method in _routes(app):
        if "<org>" not in rule.rule:
            continue
        headers = {"Authorization": f"Bearer {token}"} if rule.rule.startswith("/api/") else {}
        response = client.open(_url(rule, "theirs"), method=method, headers=headers)
        assert response.status_code == 404, (method, rule.rule, response.status_code)
        if rule.rule.startswith("/api/"):
            assert response.json["error"]["code"] == "not_found"
        # The same URL of an organisation that does not exist looks identical.
        ghost = client.open(_url(rule, "no-such-org"), method=method, headers=headers)
        assert ghost.status_code == 404
        checked += 1
    assert checked >= 4


def test_operator_pages_need_an_operator(app):
    org = make_org("acme")
    director = make_user(org, "cio")
    operator = make_user(admin=True)
    client = app.test_client()
    login(client, director.email)
    assert client.get("/admin/").status_code == 403
    op = app.test_client()
    login(op, operator.email)
    page = op.get("/admin/")
    assert page.status_code == 200 and "Acme" in page.text
    # Operators see health across organisations, never their content.
    assert op.get("/orgs/acme/board").status_code == 404
