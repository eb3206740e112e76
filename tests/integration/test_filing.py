"""Filing recommendations: the API and the form call one function and refuse the same things."""

import threading

import pytest
from sqlalchemy import func, select

from collab.models import Notification, Recommendation, RecommendationUrl, RoutingRule, Task
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.work.routing_rules import add_rule
from tests.support.factories import bearer, form_post, login, make_org, make_user, membership


def _setup():
    org = make_org("acme")
    cio = make_user(org, "cio")
    cmo = make_user(org, "cmo")
    agency = make_user(org, "agency")
    return org, cio, cmo, agency


def test_agency_files_and_the_work_is_routed_with_its_reason(client):
    org, cio, cmo, agency = _setup()
    response = client.post(
        "/api/v1/orgs/acme/recommendations",
        json={
            "title": "Properly size images",
            "priority": "high",
            "urls": [
                "https://acme.example/a.jpg",
                "https://acme.example/a.jpg",
                "https://acme.example/b.jpg",
            ],
        },
        headers=bearer(agency),
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "triage"
    assert body["url_count"] == 2  # de-duplicated
    [task] = body["tasks"]
    assert task["team"] == "it" and task["category"] == "page_speed"
    assert task["routing"]["reason"].startswith("page speed, owned by IT")
    assert task["status"] == "triage" and task["priority"] == "high"
    assert task["training_note"]["title"] and task["training_note"]["body_html"]
    # Both directors hear of it in the app.
    told = db.session.scalars(select(Notification.user_id)).all()
    assert sorted(told) == sorted([cio.id, cmo.id])


def test_work_for_both_teams_becomes_linked_tasks(client):
    org, cio, cmo, agency = _setup()
    response = client.post(
        "/api/v1/orgs/acme/recommendations",
        json={"title": "Создать новую посадочную страницу для вебинара"},
        headers=bearer(agency),
    )
    assert response.status_code == 201
    tasks = response.json["tasks"]
    assert sorted(t["team"] for t in tasks) == ["it", "marketing"]
    assert {t["recommendation_id"] for t in tasks} == {response.json["id"]}


def test_a_pasted_audit_finding_is_routed_by_its_words_not_its_learn_more_link(client):
    org, cio, cmo, agency = _setup()
    response = client.post(
        "/api/v1/orgs/acme/recommendations",
        json={
            "title": "Avoid serving legacy JavaScript to modern browsers",
            "description": "Polyfills and transforms enable older browsers to use new features. "
            "[Learn more](https://web.dev/articles/publish-modern-javascript)",
        },
        headers=bearer(agency),
    )
    assert response.status_code == 201, response.json
    [task] = response.json["tasks"]
    assert task["team"] == "it" and task["category"] == "page_speed"
    assert task["routing"]["reason"] == "page speed, owned by IT: matched 'legacy javascript'"


def test_unrecognised_text_waits_in_triage_for_both_directors(client):
    org, cio, cmo, agency = _setup()
    response = client.post(
        "/api/v1/orgs/acme/recommendations",
        json={"title": "Discuss the audit results"},
        headers=bearer(agency),
    )
    [task] = response.json["tasks"]
    assert task["team"] is None and task["category"] == "uncategorised"
    listed = client.get("/api/v1/orgs/acme/tasks?team=none", headers=bearer(cio)).json["items"]
    assert [t["id"] for t in listed] == [task["id"]]


def test_external_id_makes_filing_idempotent(client):
    org, cio, cmo, agency = _setup()
    headers = bearer(agency)
    payload = {"title": "Redirect chains and loops", "external_id": "audit-7"}
    first = client.post("/api/v1/orgs/acme/recommendations", json=payload, headers=headers)
    again = client.post(
        "/api/v1/orgs/acme/recommendations",
        json={**payload, "title": "Something else"},
        headers=headers,
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and again.json["title"] == payload["title"]
    assert db.session.scalar(select(func.count()).select_from(Recommendation)) == 1


def test_bad_input_is_refused_with_fields_and_nothing_is_stored(client):
    org, cio, cmo, agency = _setup()
    response = client.post(
        "/api/v1/orgs/acme/recommendations",
        json={
            "title": "x" * 201,
            "category": "astrology",
            "priority": "asap",
            "due_date": "2026-02-30",
            "urls": ["https://ok.example/", "not a url", "ftp://x/"],
        },
        headers=bearer(agency),
    )
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert fields["title"] == "at most 200 characters"
    assert "page_speed" in fields["category"]  # names the allowed ones
    assert set(fields) >= {"priority", "due_date", "urls[1]", "urls[2]"}
    assert "urls[0]" not in fields
    for model in (Recommendation, Task, RecommendationUrl):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_missing_title_and_non_json_body(client):
    org, cio, cmo, agency = _setup()
    headers = bearer(agency)
    missing = client.post("/api/v1/orgs/acme/recommendations", json={}, headers=headers)
    assert missing.status_code == 422 and missing.json["error"]["fields"]["title"] == "required"
    garbage = client.post(
        "/api/v1/orgs/acme/recommendations",
        data="{nope",
        content_type="application/json",
        headers=headers,
    )
    assert garbage.status_code == 422 and "body" in garbage.json["error"]["fields"]


def test_staff_may_not_file(client):
    org, *_ = _setup()
    dev = make_user(org, "it")
    response = client.post(
        "/api/v1/orgs/acme/recommendations", json={"title": "Minify CSS"}, headers=bearer(dev)
    )
    assert response.status_code == 403


def test_due_date_defaults_from_the_priority_policy(client):
    from datetime import date, timedelta

    org, cio, cmo, agency = _setup()
    response = client.post(
        "/api/v1/orgs/acme/recommendations",
        json={"title": "Fix broken links", "priority": "urgent"},
        headers=bearer(agency),
    )
    due = date.fromisoformat(response.json["tasks"][0]["due_date"])
    assert due - date.today() in (timedelta(days=3), timedelta(days=2), timedelta(days=4))


def test_the_form_files_and_shows_field_errors(client):
    org, cio, cmo, agency = _setup()
    login(client, agency.email)
    bad = form_post(
        client,
        "/orgs/acme/recommendations/new",
        "/orgs/acme/recommendations/new",
        {"title": "", "urls": "https://ok.example/\nnot-a-url", "priority": "medium"},
    )
    assert bad.status_code == 422
    assert "field-error" in bad.text
    assert db.session.scalar(select(func.count()).select_from(Recommendation)) == 0
    urls = "\n".join(f"https://acme.example/page-{i}" for i in range(150))
    good = form_post(
        client,
        "/orgs/acme/recommendations/new",
        "/orgs/acme/recommendations/new",
        {
            "title": "Document does not have a meta description",
            "description": "**Bold** <script>alert(1)</script>",
            "urls": urls,
            "priority": "medium",
        },
    )
    assert good.status_code == 302
    page = client.get(good.headers["Location"])
    assert "Marketing" in page.text and "meta tags" in page.text
    assert "<strong>Bold</strong>" in page.text and "<script>alert(1)" not in page.text
    assert "page-99" in page.text and "page-100" not in page.text  # URLs are paged
    assert "page-149" in client.get(good.headers["Location"] + "?page=2").text


def test_form_names_the_bad_url_lines(client):
    org, cio, cmo, agency = _setup()
    login(client, agency.email)
    bad = form_post(
        client,
        "/orgs/acme/recommendations/new",
        "/orgs/acme/recommendations/new",
        {"title": "Fix 404s", "urls": "https://ok.example/\nnot-a-url", "priority": "low"},
    )
    assert bad.status_code == 422
    assert "line 2: not an absolute http(s) URL" in bad.text


def _at_once(app, work) -> list:
    """Runs work(index) in two threads released together, each in its own app context."""
    barrier = threading.Barrier(2)
    results, failures = [], []
    db.session.commit()  # the test's own transaction must not hold the database

    def run(index):
        try:
            with app.app_context():
                barrier.wait()
                results.append(work(index))
        except Exception as exc:  # surfaced below: a thread's exception is otherwise lost
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    return results


def test_the_same_external_id_filed_twice_at_once_makes_one_recommendation(app):
    org, cio, cmo, agency = _setup()
    headers = bearer(agency)

    def file(index):
        response = app.test_client().post(
            "/api/v1/orgs/acme/recommendations",
            json={"title": f"Redirect chains, try {index}", "external_id": "audit-9"},
            headers=headers,
        )
        return response.status_code, response.json["id"]

    results = _at_once(app, file)
    assert sorted(status for status, _ in results) == [200, 201]
    assert len({rec_id for _, rec_id in results}) == 1
    assert db.session.scalar(select(func.count()).select_from(Recommendation)) == 1


@pytest.mark.parametrize(
    "phrase", ["https://acme.example/pricing", "shop.example.com", "/articles/legacy-js"]
)
def test_a_rule_naming_a_link_is_refused_because_routing_skips_links(app, phrase):
    org, cio, cmo, agency = _setup()
    with pytest.raises(ValidationFailed) as refused:
        add_rule(org, membership(cio, org), phrase, team="it")
    assert "skips links" in refused.value.fields["phrase"]
    assert db.session.scalar(select(func.count()).select_from(RoutingRule)) == 0


def test_the_same_rule_added_twice_at_once_is_kept_once(app):
    org, cio, cmo, agency = _setup()
    org_id, cio_id, cmo_id = org.id, cio.id, cmo.id

    def add(index):
        from collab.models import Organization, User

        mine = db.session.get(Organization, org_id)
        director = db.session.get(User, (cio_id, cmo_id)[index])
        try:
            add_rule(mine, membership(director, mine), "pricing page", team="marketing")
        except ValidationFailed as refused:
            db.session.rollback()
            return refused.fields["phrase"]
        db.session.commit()
        return "added"

    assert sorted(_at_once(app, add)) == [
        "added",
        "there is already a rule for this phrase; remove it first to change it",
    ]
    assert db.session.scalar(select(func.count()).select_from(RoutingRule)) == 1


def test_the_filing_answer_lists_its_urls_as_reading_it_back_does(client):
    """The answer to a filing names its URLs from what was filed, without reading them
    back: the same first 200, de-duplicated, in order, as a later read gives."""
    org, cio, cmo, agency = _setup()
    # As crawlers export them: Cyrillic paths raw and percent-encoded, queries, fragments,
    # upper-case schemes, a tab and spaces around a cell's value.
    real = [
        "https://пример.рф/каталог/страница?utm_source=агентство",
        "https://xn--e1afmkfd.xn--p1ai/%D0%BA%D0%B0%D1%82%D0%B0%D0%BB%D0%BE%D0%B3/",
        "HTTPS://Acme.Example/A%20B?x=1&y=2#top",
    ]
    urls = [*real, *(f"https://acme.example/page-{n}" for n in range(247, 0, -1))]
    urls.insert(3, urls[0])
    sent = [f" {urls[0]}\t", *urls[1:]]
    response = client.post(
        "/api/v1/orgs/acme/recommendations",
        json={"title": "Fix broken links", "urls": sent},
        headers=bearer(agency),
    )
    assert response.status_code == 201, response.json
    filed = response.json
    read = client.get(f"/api/v1/orgs/acme/recommendations/{filed['id']}", headers=bearer(cio))
    assert filed["url_count"] == read.json["url_count"] == 250
    assert filed["urls"] == read.json["urls"] == urls[:3] + urls[4:201]
