"""Malformed URLs answer 4xx on every route, pages and API alike (issue 13, finding 8)."""

import re

import pytest

from tests.support.factories import (
    PASSWORD,
    bearer,
    csrf_from,
    login,
    make_org,
    make_recommendation,
    make_user,
)

BEYOND_64_BITS = str(2**64)


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        if "<int:" in rule.rule:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _fill(rule, number: str) -> str:
    def value(match):
        converter, name = match.group(1), match.group(2)
        return "acme" if name == "org" else number if converter == "int" else "x"

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, rule.rule)


@pytest.mark.parametrize("number", [str(2**31), BEYOND_64_BITS, "9" * 40])
def test_ids_beyond_the_columns_find_nothing_on_every_route(app, number):
    # Was a 500 on 15 routes: OverflowError on SQLite past 64 bits, "integer out of range"
    # on PostgreSQL past 32 (ids are INTEGER columns).
    org = make_org("acme")
    director = make_user(org, "cio")
    client = app.test_client()
    login(client, director.email)
    app.config["WTF_CSRF_ENABLED"] = False  # reach the route itself
    headers = bearer(director)
    checked = 0
    for rule, method in _int_routes(app):
        api = rule.rule.startswith("/api/")
        response = client.open(_fill(rule, number), method=method, headers=headers if api else {})
        assert response.status_code == 404, (method, rule.rule, response.status_code)
        if api:
            assert response.json["error"]["code"] == "not_found"
        checked += 1
    assert checked >= 15


def test_the_largest_id_a_column_holds_is_still_an_id(app, client):
    org = make_org("acme")
    director = make_user(org, "cio")
    task = make_recommendation(org, director).tasks[0]
    headers = bearer(director)
    assert client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=headers).status_code == 200
    biggest = client.get(f"/api/v1/orgs/acme/tasks/{2**31 - 1}", headers=headers)
    assert biggest.status_code == 404 and biggest.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("segment", ["ac%00me", "a%0Ab", "%7F"])
def test_control_characters_in_a_path_segment_find_nothing(app, client, segment):
    # NUL reached PostgreSQL, which cannot hold it in text: a 500 on every <org> route.
    org = make_org("acme")
    director = make_user(org, "cio")
    api = client.get(f"/api/v1/orgs/{segment}/tasks", headers=bearer(director))
    assert api.status_code == 404 and api.json["error"]["code"] == "not_found"
    login(client, director.email)
    assert client.get(f"/orgs/{segment}/board").status_code == 404
    assert client.get(f"/password/reset/{segment}").status_code == 404


@pytest.mark.parametrize(
    "target",
    ["/board\r\nSet-Cookie: stolen=1", "/\r\n", "/x\nLocation: https://evil.example/"],
)
def test_a_line_break_in_next_is_no_header_and_no_500(app, client, target):
    org = make_org("acme")
    user = make_user(org, "cio")
    shown = client.get("/login", query_string={"next": target})
    assert shown.status_code == 200
    signed_in = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "next": target,
            "csrf_token": csrf_from(shown.text),
        },
    )
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == "/"
    assert "stolen" not in signed_in.headers.get("Set-Cookie", "")


def test_a_backslash_next_does_not_leave_the_site(app, client):
    org = make_org("acme")
    user = make_user(org, "cio")
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "next": "/\\evil.example/",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.headers["Location"] == "/"


def test_a_local_next_still_brings_you_back(app, client):
    org = make_org("acme")
    user = make_user(org, "cio")
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "next": "/orgs/acme/board?team=it",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.headers["Location"] == "/orgs/acme/board?team=it"


def test_a_method_the_path_lacks_is_405_with_allow(client):
    response = client.delete("/api/v1/me")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
    assert "DELETE" not in response.headers["Allow"]
