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


def test_the_document_says_what_the_server_enforces(client):
    document = client.get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    paths = document["paths"]
    # Unknown fields are refused, and the document says so.
    for name in ("RecommendationIn", "TaskChange", "CommentIn", "Observations", "Observation"):
        assert schemas[name]["additionalProperties"] is False, name
    assert schemas["RecommendationIn"]["required"] == ["title"]
    change = schemas["TaskChange"]["properties"]
    assert change["status"]["enum"] == [
        "triage",
        "todo",
        "in_progress",
        "review",
        "done",
        "rejected",
    ]
    assert change["version"]["maximum"] == 2**31 - 1
    assert schemas["Observations"]["properties"]["observations"]["items"] == {
        "$ref": "#/components/schemas/Observation"
    }
    # Every operation that takes input can refuse it, with the error shape of API.md.
    for path, item in paths.items():
        for method, operation in item.items():
            if "requestBody" in operation:
                assert {"413", "422"} <= set(operation["responses"]), (method, path)
            if path != "/api/v1/openapi.json":
                assert "401" in operation["responses"], (method, path)
    invalid = document["components"]["responses"]["Invalid"]
    assert invalid["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorAnswer")
    assert "Allow" in document["components"]["responses"]["MethodNotAllowed"]["headers"]
    # Paging, enums and ids are described as they are checked.
    listing = {p["name"]: p for p in paths["/api/v1/orgs/{org}/tasks"]["get"]["parameters"]}
    given, empty = listing["limit"]["schema"]["anyOf"]  # ?limit= means "not given"
    assert (given["maximum"], empty["maxLength"]) == (200, 0)
    assert listing["cursor"]["schema"]["anyOf"][0]["pattern"]
    assert listing["team"]["schema"]["anyOf"][0]["enum"] == ["it", "marketing", "none"]
    task_path = paths["/api/v1/orgs/{org}/tasks/{task_id}"]["patch"]
    task_id = next(p for p in task_path["parameters"] if p["name"] == "task_id")
    assert task_id["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
    assert "409" in task_path["responses"]
