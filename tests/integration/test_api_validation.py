"""Every malformed request body or query answers 4xx in API.md's shape, and nothing is
written (issue 13, findings 8-10). Each test is one thing a fuzzer or a real client sent."""

import datetime as dt
import io
import json

import pytest
from sqlalchemy import func, select

from collab.models import Comment, Recommendation, Task
from collab.models.kpis import KpiObservation
from collab.platform.extensions import db
from tests.support.factories import bearer, make_org, make_recommendation, make_user

TODAY = dt.date.today()


def _world():
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "agency")}
    task = make_recommendation(org, people["agency"], title="Compress images").tasks[0]
    return org, people, task


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _refused(response, *fields):
    assert response.status_code == 422, (response.status_code, response.get_data(as_text=True))
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert set(fields) <= set(error["fields"]), error["fields"]
    return error["fields"]


def _post(client, user, path, body=None, **kwargs):
    return client.post(f"/api/v1/orgs/acme/{path}", json=body, headers=bearer(user), **kwargs)


@pytest.mark.parametrize("value", [["todo"], {"a": 1}, 3, True])
def test_a_status_or_category_that_is_not_a_string_is_422(client, value):
    # Was TypeError: unhashable type (a 500) when a list reached `in TRANSITIONS`.
    org, p, task = _world()
    headers = bearer(p["cio"])
    url = f"/api/v1/orgs/acme/tasks/{task.id}"
    for field in ("status", "category", "team", "priority"):
        response = client.patch(url, json={"version": 1, field: value}, headers=headers)
        assert _refused(response, field)[field].startswith("one of")
    twice = client.get("/api/v1/orgs/acme/tasks?status=todo&status=done", headers=headers)
    assert _refused(twice, "status")["status"] == "given more than once"  # which one?
    assert db.session.get(Task, task.id).version == 1


@pytest.mark.parametrize("field", ["title", "description", "external_id"])
def test_a_lone_surrogate_in_any_text_is_422_and_nothing_is_filed(client, field):
    org, p, _ = _world()
    body = {"title": "Fix redirects", field: "broken \ud800 text"}
    raw = json.dumps(body)  # ensure_ascii: the surrogate travels as the escape \ud800
    assert "\\ud800" in raw
    response = client.post(
        "/api/v1/orgs/acme/recommendations",
        data=raw,
        content_type="application/json",
        headers=bearer(p["agency"]),
    )
    assert "not valid JSON" in _refused(response, "body")["body"]
    assert _count(Recommendation) == 1


def test_a_lone_surrogate_in_a_comment_or_a_kpi_row_is_422(client):
    org, p, task = _world()
    for path, body in (
        (f"tasks/{task.id}/comments", '{"body": "\\udc00"}'),
        (
            "kpis",
            '{"observations": [{"metric": "leads", "date": "2026-01-01", "value": 1, '
            '"channel": "\\ud83d"}]}',
        ),
    ):
        response = client.post(
            f"/api/v1/orgs/acme/{path}",
            data=body,
            content_type="application/json",
            headers=bearer(p["cio"]),
        )
        _refused(response, "body")
    assert _count(Comment) == 0 and _count(KpiObservation) == 0


def test_json_nested_100000_deep_is_422_not_a_recursion_error(client):
    org, p, task = _world()
    deep = '{"title": "x", "description": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(
        "/api/v1/orgs/acme/recommendations",
        data=deep,
        content_type="application/json",
        headers=bearer(p["agency"]),
    )
    assert "recursion limit" in _refused(response, "body")["body"]


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"title": "Fix 404s", "description": []}, "description", "a string"),
        ({"title": "Fix 404s", "urls": "https://a.example/"}, "urls", "a list"),
        ({"title": "Fix 404s", "urls": [7]}, "urls[0]", "a string"),
        ({"title": "Fix 404s", "due_date": 20260101}, "due_date", "a date as YYYY-MM-DD"),
        ({"title": "Fix 404s", "due_date": "0001-01-01"}, "due_date", "from 1970-01-01"),
        ({"title": "Fix 404s", "priority": None, "team": "it"}, "team", "unknown field"),
        ({"title": "Fix 404s\x00"}, "title", "NUL"),
        ({"title": 404}, "title", "a string"),
    ],
)
def test_loose_types_in_a_recommendation_are_refused(client, body, field, reason):
    # description: [] used to be filed as an empty description.
    org, p, _ = _world()
    fields = _refused(_post(client, p["agency"], "recommendations", body), field)
    assert reason in fields[field]
    assert _count(Recommendation) == 1


@pytest.mark.parametrize("title", ["\u200b\u200b\u200b", "\u200b \u2060\ufeff", "   "])
def test_a_title_of_invisible_characters_is_refused_by_api_and_form_alike(app, client, title):
    from collab.platform.errors import ValidationFailed
    from collab.work.recommendations import file_recommendation
    from tests.support.factories import membership

    org, p, _ = _world()
    _refused(_post(client, p["agency"], "recommendations", {"title": title}), "title")
    # The web form calls the same function, so it gets the same refusal.
    with pytest.raises(ValidationFailed) as refused:
        file_recommendation(org, membership(p["agency"], org), {"title": title})
    assert refused.value.fields == {"title": "required"}
    db.session.rollback()
    assert _count(Recommendation) == 1


def test_bulk_item_id_true_is_not_task_1(client):
    # true == 1 in Python: the item used to change task 1, whatever task 1 was.
    org, p, task = _world()
    response = client.patch(
        "/api/v1/orgs/acme/tasks",
        json={"items": [{"id": True, "version": 1, "status": "todo", "team": "it"}]},
        headers=bearer(p["cio"]),
    )
    assert _refused(response, "items[0].id")["items[0].id"] == "a whole number"
    assert db.session.scalars(select(Task.status)).all() == ["triage"]


@pytest.mark.parametrize(
    "body",
    [
        {"version": 1.0, "status": "todo"},
        {"version": "1", "status": "todo"},
        {"version": 2**40, "status": "todo"},
        {"version": 1, "duplicate_of": 2**63, "status": "rejected", "resolution": "duplicate"},
        {"version": 1, "waiting_on_agency": "yes"},
        {"version": 1, "started_at": "0001-01-01T00:00:00+05:00"},
        {"version": 1, "started_at": "2026-01-01T09:00:00"},
    ],
)
def test_task_changes_are_typed(client, body):
    org, p, task = _world()
    response = client.patch(
        f"/api/v1/orgs/acme/tasks/{task.id}", json=body, headers=bearer(p["cio"])
    )
    assert response.status_code == 422, response.json
    assert db.session.get(Task, task.id).version == 1


def test_nan_and_infinity_literals_are_refused(client):
    org, p, task = _world()
    for literal in ("NaN", "Infinity", "-Infinity", "1e999"):
        response = client.patch(
            f"/api/v1/orgs/acme/tasks/{task.id}",
            data='{"version": ' + literal + "}",
            content_type="application/json",
            headers=bearer(p["cio"]),
        )
        _refused(response)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"metric": "leads", "value": 2.5}, "not a whole number"),
        ({"metric": "bounce_rate", "value": 150}, "from 0 to 100"),
        ({"metric": "search_ctr", "value": -1}, "negative"),
        ({"metric": "spend", "value": 1e308}, "out of range"),
        ({"metric": "spend", "value": 1e-300}, "at least 0.01"),
        ({"metric": "lcp_ms", "value": 10**400}, "not a finite number"),
    ],
)
def test_kpi_values_must_be_finite_and_within_the_metrics_range(client, row, reason):
    org, p, _ = _world()
    body = {"observations": [{"date": TODAY.isoformat(), **row}]}
    fields = _refused(_post(client, p["cio"], "kpis", body), "observations[0].value")
    assert reason in fields["observations[0].value"]
    assert _count(KpiObservation) == 0


def _not_json(constant):
    raise AssertionError(f"the API answered {constant}, which is not JSON")


def test_derived_metrics_stay_finite_json_at_the_largest_accepted_values(client):
    # Spend of 1e308 used to be stored, and cost_per_lead then came out as Infinity: JSON no
    # client can parse. The largest values a metric accepts now keep every figure finite.
    org, p, _ = _world()
    day = TODAY.isoformat()
    rows = [
        {"metric": "spend", "date": day, "value": 1e12},
        {"metric": "staff_cost", "date": day, "value": 1e12},
        {"metric": "leads", "date": day, "value": 1},
        {"metric": "leads", "date": day, "value": 1, "channel": "email"},
        {"metric": "revenue", "date": day, "value": 1e12, "channel": "email"},
        {"metric": "spend", "date": day, "value": 0.01, "channel": "email"},
    ]
    assert _post(client, p["cio"], "kpis", {"observations": rows}).status_code == 200
    for metric in ("cost_per_lead", "romi"):
        for channel in ("", "&channel=email"):
            response = client.get(
                f"/api/v1/orgs/acme/kpis?metric={metric}{channel}", headers=bearer(p["cio"])
            )
            assert response.status_code == 200

            items = json.loads(response.get_data(as_text=True), parse_constant=_not_json)["items"]
            assert items, metric


# Old rows overflow when summed: numpy warns, as it should, while computing the day we drop.
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_infinite_derived_days_stored_before_the_checks_are_left_out(client):
    from tests.integration.test_kpi_support import record_series

    org, p, _ = _world()
    record_series(org, "spend", TODAY, [1e308])  # straight to the store, as old data was
    record_series(org, "staff_cost", TODAY, [1e308])
    record_series(org, "leads", TODAY, [1])
    response = client.get("/api/v1/orgs/acme/kpis?metric=cost_per_lead", headers=bearer(p["cio"]))
    assert response.status_code == 200
    assert "Infinity" not in response.get_data(as_text=True)
    assert response.json["items"] == []


@pytest.mark.parametrize(
    "cursor",
    [
        "eyJhZnRlciI6IDEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDB9",  # {"after": 10**27}
        "eyJhZnRlciI6IHRydWV9",  # {"after": true}
        "WzFd",  # [1]
        "not*base64",
    ],
)
def test_a_cursor_the_api_never_gave_is_422(client, cursor):
    org, p, _ = _world()
    for path in ("tasks", "alerts"):
        response = client.get(f"/api/v1/orgs/acme/{path}?cursor={cursor}", headers=bearer(p["cio"]))
        assert _refused(response, "cursor")["cursor"] in (
            "not a cursor this API gave",
            "contains a character that is not allowed here",
        )


def test_a_kpi_cursor_with_nul_or_an_odd_date_is_422(client):
    import base64

    org, p, _ = _world()
    for key in (
        {"m": "leads\x00", "d": "2026-01-01", "c": ""},
        {"m": "leads", "d": "0001-01-01", "c": ""},
    ):
        cursor = base64.urlsafe_b64encode(json.dumps(key).encode()).decode()
        response = client.get(f"/api/v1/orgs/acme/kpis?cursor={cursor}", headers=bearer(p["cio"]))
        _refused(response, "cursor")


def test_query_filters_are_typed_and_reported_together(client):
    org, p, _ = _world()
    headers = bearer(p["cio"])
    bad = client.get("/api/v1/orgs/acme/alerts?task=99999999999&kind=late&limit=x", headers=headers)
    assert set(_refused(bad, "task", "kind", "limit")) == {"task", "kind", "limit"}
    nul = client.get("/api/v1/orgs/acme/kpis?channel=%00", headers=headers)
    _refused(nul, "channel")
    unknown = client.get("/api/v1/orgs/acme/tasks?page=2&team=", headers=headers)
    assert unknown.status_code == 200  # other parameters are ignored, empty ones too


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("tasks?limit=1.0", "limit"),
        ("tasks?limit=%205", "limit"),
        ("alerts?task=5_000", "task"),
        ("alerts?task=-1", "task"),
        ("kpis?to=0", "to"),  # leniently 1970-01-01, a Unix time
        ("kpis?from=2026-01-01T10:00", "from"),
    ],
)
def test_query_numbers_and_dates_are_written_plainly(client, query, field):
    org, p, _ = _world()
    _refused(client.get(f"/api/v1/orgs/acme/{query}", headers=bearer(p["cio"])), field)


def test_an_unparseable_url_is_refused_by_api_and_form_alike(client):
    from collab.platform.errors import ValidationFailed
    from collab.work.recommendations import file_recommendation
    from tests.support.factories import membership

    org, p, _ = _world()
    body = {"title": "Fix links", "urls": ["http://[broken"]}
    fields = _refused(_post(client, p["agency"], "recommendations", body), "urls[0]")
    assert fields["urls[0]"] == "not an absolute http(s) URL"
    with pytest.raises(ValidationFailed) as refused:  # urlsplit's ValueError was a 500
        file_recommendation(org, membership(p["agency"], org), body)
    assert refused.value.fields == {"urls[0]": "not an absolute http(s) URL"}


def test_a_body_that_is_not_a_json_object_is_422(client):
    org, p, _ = _world()
    for data, content_type in (("[1, 2]", "application/json"), ("title=x", "text/plain")):
        response = client.post(
            "/api/v1/orgs/acme/recommendations",
            data=data,
            content_type=content_type,
            headers=bearer(p["agency"]),
        )
        _refused(response, "body")


def _chunked(client, user, size: int):
    """A body sent without Content-Length, as chunked uploads arrive from a WSGI server."""
    return client.post(
        "/api/v1/orgs/acme/kpis",
        input_stream=io.BytesIO(b"x" * size),
        content_type="application/json",
        headers=bearer(user),
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_17_mib_chunked_body_is_413_not_422(app, client):
    # Werkzeug stops reading a chunked body at the limit without a word; the cut JSON then
    # failed to parse and the client was told 422.
    org, p, _ = _world()
    response = _chunked(client, p["cio"], 17 * 1024 * 1024)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "request_entity_too_large"
    declared = client.post(
        "/api/v1/orgs/acme/kpis",
        data=b"{}" + b" " * (17 * 1024 * 1024),
        content_type="application/json",
        headers=bearer(p["cio"]),
    )
    assert declared.status_code == 413


def test_a_body_of_exactly_the_limit_is_read(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    org, p, _ = _world()
    body = b'{"observations": []}'
    padded = body + b" " * (1024 - len(body))
    response = client.post(
        "/api/v1/orgs/acme/kpis",
        input_stream=io.BytesIO(padded),
        content_type="application/json",
        headers=bearer(p["cio"]),
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert _refused(response, "observations")  # read whole, then judged: not a 413
    assert _chunked(client, p["cio"], 1025).status_code == 413


def test_an_endpoint_may_declare_the_upload_limit(app):
    # The hook the audit and KPI-file uploads use: @operation(body_limit="MAX_UPLOAD_LENGTH").
    from werkzeug.exceptions import RequestEntityTooLarge

    from collab.api.validation import read_body

    app.config.update(MAX_CONTENT_LENGTH=1000, MAX_UPLOAD_LENGTH=5000)
    big = b"x" * 3000
    for overrides in ({"wsgi.input_terminated": True}, {}):
        with app.test_request_context(method="POST", data=big, environ_overrides=overrides):
            assert read_body(app.config["MAX_UPLOAD_LENGTH"]) == big
        with (
            app.test_request_context(method="POST", data=big, environ_overrides=overrides),
            pytest.raises(RequestEntityTooLarge),
        ):
            read_body(app.config["MAX_CONTENT_LENGTH"])
