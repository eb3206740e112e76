"""The OpenAPI document matches the routes, and errors keep their shape."""

import re

from tests.support.factories import make_org, make_token, make_user


def _api_routes(app):
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found.add((method.lower(), path))
    return found


def test_openapi_document_lists_exactly_the_api_routes(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.1")
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert documented == _api_routes(app)


def test_unknown_api_path_answers_json_404(client):
    user = make_user(make_org(), "it")
    response = client.get(
        "/api/v1/nothing-here", headers={"Authorization": f"Bearer {make_token(user)}"}
    )
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_form_body_over_the_limit_answers_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    form = client.post("/login", data={"email": "x" * 4096})
    assert form.status_code == 413
