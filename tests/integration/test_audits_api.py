"""POST /api/v1/orgs/{org}/audits and GET .../audits/{id}: audit files become routed
recommendations, the same file again changes nothing, a later report updates and verifies."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from collab.models import (
    Event,
    Notification,
    Organization,
    Recommendation,
    RecommendationUrl,
    Task,
)
from collab.models.site_audits import AuditImport, AuditIssue, AuditSite
from collab.platform.extensions import db
from collab.work import board_counts
from tests.support.audits import PAGE, failing_ids, fixture, lighthouse
from tests.support.factories import bearer, make_org, make_user


def _post(client, headers, *files, org="acme", **fields):
    data = {**fields, "file": [(io.BytesIO(body), name) for name, body in files]}
    return client.post(
        f"/api/v1/orgs/{org}/audits",
        data=data,
        headers=headers,
        content_type="multipart/form-data",
    )


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _people(org="acme"):
    org = make_org(org)
    agency = make_user(org, "agency", email=f"am@{org.slug}.example")
    cio = make_user(org, "cio", email=f"cio@{org.slug}.example")
    cmo = make_user(org, "cmo", email=f"cmo@{org.slug}.example")
    return org, agency, cio, cmo


def _snapshot() -> tuple[int, ...]:
    return (
        _count(Recommendation),
        _count(Task),
        _count(RecommendationUrl),
        _count(Event),
        _count(Notification),
    )


def test_a_lighthouse_report_becomes_routed_recommendations(client):
    org, agency, cio, cmo = _people()
    report = fixture("lighthouse/v13_desktop.json")
    response = _post(client, bearer(agency), ("v13.json", report))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["source"] == "lighthouse"
    assert body["pages"] == [PAGE]
    keys = {f["key"] for f in body["findings"]}
    assert keys == failing_ids(report)  # every failing audit, by its id exactly
    # The metric audits share one recommendation; every other audit has its own.
    by_key = {f["key"]: f for f in body["findings"]}
    assert (
        by_key["largest-contentful-paint"]["recommendation_id"]
        == (by_key["total-blocking-time"]["recommendation_id"])
    )
    assert by_key["is-on-https"]["urls"] == [PAGE]
    assert sorted(body["created"]) == sorted({f["recommendation_id"] for f in body["findings"]})
    assert body["updated"] == body["unchanged"] == body["resolved"] == []

    https = client.get(
        f"/api/v1/orgs/acme/recommendations/{by_key['is-on-https']['recommendation_id']}",
        headers=bearer(cio),
    ).json
    assert https["urls"] == [PAGE]
    assert [(t["team"], t["category"]) for t in https["tasks"]] == [("it", "technical_seo")]
    assert "is-on-https" in https["tasks"][0]["routing"]["reason"]
    # The task's training note quotes the audit's own figures.
    unused = client.get(
        f"/api/v1/orgs/acme/recommendations/{by_key['unused-javascript']['recommendation_id']}",
        headers=bearer(cio),
    ).json
    note = unused["tasks"][0]["training_note"]["body_html"]
    assert "What the audit found here" in note
    assert "Lighthouse found this on 1 page (desktop)." in note
    assert "Estimated saving on the worst page:" in note
    assert "Figures of the audit of 2026-04-23." in note
    description = client.get(
        f"/api/v1/orgs/acme/recommendations/{by_key['meta-description']['recommendation_id']}",
        headers=bearer(cio),
    ).json
    assert [t["team"] for t in description["tasks"]] == ["marketing"]

    again = client.get(f"/api/v1/orgs/acme/audits/{body['id']}", headers=bearer(agency))
    assert again.status_code == 200
    assert again.json == body
    record = db.session.get(AuditImport, body["id"])
    assert record.tool == "Lighthouse 13.4.1" and record.imported_by_id == agency.id
    # The first import teaches the organisation its site.
    assert [s.host for s in db.session.scalars(select(AuditSite))] == ["localhost"]
    # One notice per director for the whole import, none for the agency that sent it.
    notices = db.session.scalars(select(Notification).where(Notification.kind == "audit_imported"))
    assert sorted(n.user_id for n in notices) == sorted([cio.id, cmo.id])


def test_a_report_as_the_json_body(client):
    org, agency, cio, cmo = _people()
    response = client.post(
        "/api/v1/orgs/acme/audits",
        data=fixture("lighthouse/psi_v12_mobile.json"),
        headers={**bearer(agency), "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.json
    assert response.json["source"] == "lighthouse"
    assert response.json["findings"]


def test_the_same_file_again_creates_and_changes_nothing(client):
    org, agency, cio, cmo = _people()
    first = _post(client, bearer(agency), ("v13.json", fixture("lighthouse/v13_desktop.json")))
    before = _snapshot()
    again = _post(client, bearer(agency), ("v13.json", fixture("lighthouse/v13_desktop.json")))
    assert again.status_code == 200
    body = again.json
    assert body["created"] == body["updated"] == body["resolved"] == []
    assert sorted(body["unchanged"]) == sorted(first.json["created"])
    assert body["findings"] == first.json["findings"]
    assert _snapshot() == before
    # The same content under another name and bytes (re-saved): compared, still unchanged.
    resaved = lighthouse()
    third = _post(client, bearer(agency), ("copy.json", resaved))
    assert third.status_code == 200
    assert third.json["created"] == third.json["updated"] == third.json["resolved"] == []
    assert _snapshot() == before


def test_a_later_report_updates_and_verifies(client):
    org, agency, cio, cmo = _people()
    first = _post(client, bearer(agency), ("v13.json", lighthouse())).json
    rec_of = {f["key"]: f["recommendation_id"] for f in first["findings"]}
    fixed = rec_of["is-on-https"]

    # An IT engineer is on it; the director assigns the task.
    it = make_user(org, "it", email="dev@acme.example")
    task = db.session.scalar(select(Task).where(Task.recommendation_id == fixed))
    patch = client.patch(
        f"/api/v1/orgs/acme/tasks/{task.id}",
        json={"version": task.version, "status": "todo", "assignee": "dev@acme.example"},
        headers=bearer(cio),
    )
    assert patch.status_code == 200, patch.json
    notices = _count(Notification, Notification.kind == "audit_imported")

    later = lighthouse("2026-05-20T08:00:00Z", passing=("is-on-https",))
    response = _post(client, bearer(agency), ("later.json", later))
    assert response.status_code == 200  # nothing new
    body = response.json
    assert body["resolved"] == [fixed]
    assert fixed not in body["unchanged"]
    assert "is-on-https" not in {f["key"] for f in body["findings"]}

    history = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(it)).json
    assert history["status"] == "todo"  # people close work; collab says it looks fixed
    events = db.session.scalars(
        select(Event).where(Event.task_id == task.id, Event.kind == "audit")
    )
    assert [e.new for e in events] == ["verified by the audit of 2026-05-20"]
    # One notice each: the assignee and both directors; the agency that imported hears nothing.
    new = db.session.scalars(
        select(Notification)
        .where(Notification.kind == "audit_imported")
        .order_by(Notification.id)
        .offset(notices)
    ).all()
    assert sorted(n.user_id for n in new) == sorted([it.id, cio.id, cmo.id])
    told = next(n for n in new if n.user_id == it.id)
    assert "look fixed" in told.text and task.title in told.text and told.task_id == task.id


def test_a_later_report_of_fewer_pages_keeps_the_pages_it_did_not_cover(client):
    org, agency, cio, cmo = _people()
    other = "http://localhost:10200/pricing"
    first = _post(
        client,
        bearer(agency),
        ("a.json", lighthouse()),
        ("b.json", lighthouse(url=other)),
    ).json
    https = next(f for f in first["findings"] if f["key"] == "is-on-https")
    assert sorted(https["urls"]) == sorted([PAGE, other])

    later = _post(
        client,
        bearer(agency),
        ("a2.json", lighthouse("2026-05-20T08:00:00Z", passing=("is-on-https",))),
    ).json
    rid = https["recommendation_id"]
    assert rid in later["updated"] and rid not in later["resolved"]
    rec = client.get(f"/api/v1/orgs/acme/recommendations/{rid}", headers=bearer(cio)).json
    assert rec["urls"] == [other]
    assert rec["url_count"] == 1


def test_an_older_report_imported_late_never_undoes_a_newer_one(client):
    org, agency, cio, cmo = _people()
    first = _post(client, bearer(agency), ("d1.json", lighthouse("2026-04-01T00:00:00Z"))).json
    rid = next(f["recommendation_id"] for f in first["findings"] if f["key"] == "is-on-https")
    newest = lighthouse("2026-06-01T00:00:00Z", passing=("is-on-https",))
    assert _post(client, bearer(agency), ("d3.json", newest)).json["resolved"] == [rid]
    before = _snapshot()
    late = _post(client, bearer(agency), ("d2.json", lighthouse("2026-05-01T00:00:00Z"))).json
    assert late["created"] == late["updated"] == late["resolved"] == late["regressed"] == []
    assert rid in late["unchanged"]
    assert _snapshot() == before


def test_an_issue_that_comes_back_reopens_its_done_task(client):
    org, agency, cio, cmo = _people()
    make_user(org, "it", email="dev@acme.example")
    first = _post(client, bearer(agency), ("d1.json", lighthouse("2026-04-01T00:00:00Z"))).json
    rid = next(f["recommendation_id"] for f in first["findings"] if f["key"] == "is-on-https")
    task = db.session.scalar(select(Task).where(Task.recommendation_id == rid))
    for status in ("todo", "in_progress", "done"):
        moved = client.patch(
            f"/api/v1/orgs/acme/tasks/{task.id}",
            json={
                "version": client.get(
                    f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(cio)
                ).json["version"],
                "status": status,
            },
            headers=bearer(cio),
        )
        assert moved.status_code == 200, moved.json
    fixed = lighthouse("2026-05-01T00:00:00Z", passing=("is-on-https",))
    assert _post(client, bearer(agency), ("d2.json", fixed)).json["resolved"] == [rid]
    assert (
        client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(cio)).json["status"]
        == "done"
    )

    facts = db.session.scalar(select(Organization.facts_version).where(Organization.id == org.id))
    back = _post(client, bearer(agency), ("d3.json", lighthouse("2026-06-01T00:00:00Z"))).json
    # Reopened work no longer counts among finished work: the notes' cached facts move on.
    now_facts = db.session.scalar(
        select(Organization.facts_version).where(Organization.id == org.id)
    )
    assert now_facts > facts
    assert back["regressed"] == [rid] and rid in back["updated"]
    now = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(cio)).json
    assert now["status"] == "in_progress" and now["completed_at"] is None
    said = [
        e.new
        for e in db.session.scalars(
            select(Event).where(Event.task_id == task.id, Event.kind == "audit").order_by(Event.id)
        )
    ]
    assert said == [
        "verified by the audit of 2026-05-01",
        "regressed: found again by the audit of 2026-06-01 after the audit of 2026-05-01 "
        "verified it fixed",
    ]


def test_another_organisations_agency_finds_nothing(client):
    org, agency, cio, cmo = _people()
    record = _post(client, bearer(agency), ("v13.json", lighthouse())).json
    other_org = make_org("globex")
    stranger = make_user(other_org, "agency", email="am@globex.example")
    assert _post(client, bearer(stranger), ("v13.json", lighthouse())).status_code == 404
    assert (
        client.get(f"/api/v1/orgs/acme/audits/{record['id']}", headers=bearer(stranger)).status_code
        == 404
    )
    assert (
        client.get(
            f"/api/v1/orgs/globex/audits/{record['id']}", headers=bearer(stranger)
        ).status_code
        == 404
    )
    assert _count(AuditImport) == 1


def test_a_broken_file_is_named_and_nothing_is_written(client):
    org, agency, cio, cmo = _people()
    good = fixture("lighthouse/v13_desktop.json")
    response = _post(
        client, bearer(agency), ("good.json", good), ("cut.json", good[: len(good) // 2])
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"]["file"].startswith("cut.json: is cut short")
    assert _snapshot() == (0, 0, 0, 0, 0)
    assert _count(AuditImport) == 0
    assert _count(AuditSite) == 0
    no_file = client.post("/api/v1/orgs/acme/audits", data={}, headers=bearer(agency))
    assert no_file.status_code == 422
    assert "file" in no_file.json["error"]["fields"]


def test_pages_on_another_host_are_refused_until_a_director_adds_it(client):
    org, agency, cio, cmo = _people()
    _post(client, bearer(agency), ("v13.json", lighthouse()))
    elsewhere = lighthouse("2026-05-01T00:00:00Z", url="https://client-b.example/pricing")
    refused = _post(client, bearer(agency), ("b.json", elsewhere))
    assert refused.status_code == 422
    problem = refused.json["error"]["fields"]["file"]
    assert problem.startswith("b.json: has pages on client-b.example")
    assert "localhost" in problem
    # The agency cannot add a host, even when it asks.
    assert _post(client, bearer(agency), ("b.json", elsewhere), add_hosts="true").status_code == 422
    added = _post(client, bearer(cio), ("b.json", elsewhere), add_hosts="true")
    assert added.status_code == 200, added.json  # the same issues, on one more page
    https = next(f for f in added.json["findings"] if f["key"] == "is-on-https")
    assert https["recommendation_id"] in added.json["updated"]
    hosts = sorted(s.host for s in db.session.scalars(select(AuditSite)))
    assert hosts == ["client-b.example", "localhost"]


def test_a_report_that_could_not_load_the_page_resolves_nothing(client):
    org, agency, cio, cmo = _people()
    checkout = "https://www.example-shop.com/checkout"
    first = _post(
        client,
        bearer(agency),
        ("run.json", lighthouse("2026-05-01T00:00:00Z", url=checkout, form_factor="mobile")),
    ).json
    failed = _post(client, bearer(agency), ("error.json", fixture("lighthouse/runtime_error.json")))
    assert failed.status_code == 201  # its own failing audit is new
    body = failed.json
    assert body["resolved"] == body["updated"] == []
    assert body["problems"] == [
        "error.json: Lighthouse could not audit the page (ERRORED_DOCUMENT_REQUEST): "
        + body["problems"][0].split("): ", 1)[1]
    ]
    states = db.session.scalars(
        select(AuditIssue.state).where(AuditIssue.recommendation_id.in_(first["created"]))
    )
    assert set(states) == {"open"}


def test_a_crawl_resolves_what_it_no_longer_lists(client):
    org, agency, cio, cmo = _people()
    titles = fixture("screaming_frog/page_titles_duplicate.csv")
    first = _post(
        client, bearer(agency), ("page_titles_duplicate.csv", titles), audited_on="2026-04-01"
    )
    assert first.status_code == 201, first.json
    rid = first.json["findings"][0]["recommendation_id"]
    assert first.json["findings"][0]["title"] == "Page Titles: Duplicate"
    overview = fixture("screaming_frog/issues_overview_report.csv")
    later = _post(
        client, bearer(agency), ("issues_overview_report.csv", overview), audited_on="2026-05-01"
    )
    assert later.status_code == 201, later.json
    assert later.json["resolved"] == [rid]
    # A crawl that fetched nothing verifies nothing.
    nothing = _post(
        client,
        bearer(agency),
        ("internal_all.csv", fixture("screaming_frog/internal_all_nothing_fetched.csv")),
        audited_on="2026-06-01",
    ).json
    assert nothing["resolved"] == []
    assert nothing["problems"]


def test_audited_on_must_be_a_past_date(client):
    org, agency, cio, cmo = _people()
    crawl = ("crawler.csv", fixture("crawler/crawler_issues.csv"))
    bad = _post(client, bearer(agency), crawl, audited_on="soon")
    assert bad.status_code == 422 and "audited_on" in bad.json["error"]["fields"]
    future = _post(client, bearer(agency), crawl, audited_on="2999-01-01")
    assert future.status_code == 422


def test_bodies_up_to_the_upload_limit_reach_the_audit_import(app, client):
    org, agency, cio, cmo = _people()
    app.config["MAX_CONTENT_LENGTH"] = 1024
    app.config["MAX_UPLOAD_LENGTH"] = 4096
    body = b"x" * 2000
    audits = _post(client, bearer(agency), ("big.csv", body))
    assert audits.status_code == 422  # read, and refused for what it is
    elsewhere = client.post(
        "/api/v1/orgs/acme/recommendations",
        data=body,
        headers={**bearer(agency), "Content-Type": "application/json"},
    )
    assert elsewhere.status_code == 413
    too_big = _post(client, bearer(agency), ("big.csv", b"x" * 5000))
    assert too_big.status_code == 413


def test_a_director_undoes_imports_latest_first(client):
    org, agency, cio, cmo = _people()
    first = _post(client, bearer(agency), ("d1.json", lighthouse("2026-04-01T00:00:00Z"))).json
    rec_of = {f["key"]: f["recommendation_id"] for f in first["findings"]}
    worked_on = rec_of["meta-description"]
    task = db.session.scalar(select(Task).where(Task.recommendation_id == worked_on))
    client.patch(
        f"/api/v1/orgs/acme/tasks/{task.id}",
        json={"version": task.version, "status": "todo"},
        headers=bearer(cio),
    )
    fixed = lighthouse("2026-05-01T00:00:00Z", passing=("is-on-https",))
    second = _post(client, bearer(agency), ("d2.json", fixed)).json
    assert second["resolved"] == [rec_of["is-on-https"]]

    # The agency may not undo; the first import cannot go while the second built on it.
    assert (
        client.post(
            f"/api/v1/orgs/acme/audits/{first['id']}/undo", headers=bearer(agency)
        ).status_code
        == 403
    )
    refused = client.post(f"/api/v1/orgs/acme/audits/{first['id']}/undo", headers=bearer(cio))
    assert refused.status_code == 409
    assert f"undo #{second['id']} first" in refused.json["error"]["message"]

    undone = client.post(f"/api/v1/orgs/acme/audits/{second['id']}/undo", headers=bearer(cio))
    assert undone.status_code == 200 and undone.json["undone_at"]
    issue = db.session.scalar(
        select(AuditIssue).where(AuditIssue.recommendation_id == rec_of["is-on-https"])
    )
    assert issue.state == "open" and issue.resolved_at is None
    said = db.session.scalars(
        select(Event.new).where(Event.kind == "audit", Event.field == "undone")
    ).all()
    assert said and all(f"(#{second['id']}) was undone" in s for s in said)
    again = client.post(f"/api/v1/orgs/acme/audits/{second['id']}/undo", headers=bearer(cio))
    assert again.status_code == 409

    counts = (_count(Recommendation), _count(Task))
    gone = client.post(f"/api/v1/orgs/acme/audits/{first['id']}/undo", headers=bearer(cio))
    assert gone.status_code == 200
    # Everything it filed went, but the recommendation a director already triaged stays.
    assert (_count(Recommendation), _count(Task)) == (1, 1)
    assert counts[0] > 1
    assert db.session.scalar(select(Recommendation.id)) == worked_on
    # The board's counters followed (a zero row is what is left of a removed card).
    kept = {key: n for key, n in board_counts.counts(org.id).items() if n}
    assert kept == board_counts.recount(org.id)
    # Importing the first file again files its issues anew.
    refiled = _post(client, bearer(agency), ("d1.json", lighthouse("2026-04-01T00:00:00Z")))
    assert refiled.status_code == 201
    assert worked_on in refiled.json["unchanged"]


def test_undo_puts_a_reopened_task_back_to_done(client):
    org, agency, cio, cmo = _people()
    first = _post(client, bearer(agency), ("d1.json", lighthouse("2026-04-01T00:00:00Z"))).json
    rid = next(f["recommendation_id"] for f in first["findings"] if f["key"] == "is-on-https")
    task = db.session.scalar(select(Task).where(Task.recommendation_id == rid))
    for status in ("todo", "in_progress", "done"):
        version = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(cio)).json[
            "version"
        ]
        client.patch(
            f"/api/v1/orgs/acme/tasks/{task.id}",
            json={"version": version, "status": status},
            headers=bearer(cio),
        )
    done_at = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(cio)).json[
        "completed_at"
    ]
    _post(
        client,
        bearer(agency),
        ("d2.json", lighthouse("2026-05-01T00:00:00Z", passing=("is-on-https",))),
    )
    back = _post(client, bearer(agency), ("d3.json", lighthouse("2026-06-01T00:00:00Z"))).json
    assert back["regressed"] == [rid]
    assert (
        client.post(f"/api/v1/orgs/acme/audits/{back['id']}/undo", headers=bearer(cio)).status_code
        == 200
    )
    now = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(cio)).json
    assert now["status"] == "done" and now["completed_at"] == done_at
    issue = db.session.scalar(select(AuditIssue).where(AuditIssue.recommendation_id == rid))
    assert issue.state == "resolved"


def test_one_notice_per_person_whatever_the_import_did(client):
    org, agency, cio, cmo = _people()
    dev = make_user(org, "it", email="dev@acme.example")
    first = _post(client, bearer(agency), ("d1.json", lighthouse("2026-04-01T00:00:00Z"))).json
    rec_of = {f["key"]: f["recommendation_id"] for f in first["findings"]}
    for key in ("is-on-https", "errors-in-console"):
        task = db.session.scalar(select(Task).where(Task.recommendation_id == rec_of[key]))
        client.patch(
            f"/api/v1/orgs/acme/tasks/{task.id}",
            json={"version": task.version, "status": "todo", "assignee": dev.email},
            headers=bearer(cio),
        )
    before = _count(Notification)
    pricing = "http://localhost:10200/pricing"
    later = _post(
        client,
        bearer(agency),
        ("a.json", lighthouse("2026-05-01T00:00:00Z", passing=("is-on-https",))),
        ("b.json", lighthouse("2026-05-01T00:00:00Z", url=pricing, passing=("is-on-https",))),
    ).json
    assert later["resolved"] == [rec_of["is-on-https"]]
    assert rec_of["errors-in-console"] in later["updated"]
    notices = db.session.scalars(
        select(Notification).order_by(Notification.id).offset(before)
    ).all()
    assert sorted(n.user_id for n in notices) == sorted([dev.id, cio.id, cmo.id])
    told = next(n for n in notices if n.user_id == dev.id)
    assert "1 updated" in told.text and "1 look fixed" in told.text
    assert told.task_id is None  # about two tasks: the notice names both


def test_an_issues_overview_never_clears_what_only_internal_all_can_find(client):
    org, agency, cio, cmo = _people()
    crawl = fixture("screaming_frog/internal_all.csv")
    first = _post(client, bearer(agency), ("internal_all.csv", crawl), audited_on="2026-04-01")
    rec_of = {f["key"]: f["recommendation_id"] for f in first.json["findings"]}
    overview = fixture("screaming_frog/issues_overview_report.csv")
    later = _post(
        client, bearer(agency), ("issues_overview_report.csv", overview), audited_on="2026-05-01"
    ).json
    # Missing from the overview, and so fixed: an issue the tool's filters report ...
    assert rec_of["response_codes_internal_no_response"] in later["resolved"]
    # ... but not the ones collab derives from Internal: All, which no overview lists.
    assert rec_of["page_size_over_1_mb"] not in later["resolved"]
    assert rec_of["response_times_over_1_second"] not in later["resolved"]


def test_long_issue_names_and_addresses_are_kept_whole(client):
    org, agency, cio, cmo = _people()
    issue = "Issue " + "very " * 58 + "long"  # about 300 characters, as a crawler may write
    url = "https://www.example-shop.com/" + "a" * 3000
    crawl = f"url,issue\n{url},{issue}\n".encode()
    response = _post(client, bearer(agency), ("crawler.csv", crawl))
    assert response.status_code == 201, response.json
    finding = response.json["findings"][0]
    assert finding["urls"] == [url]
    rec = client.get(
        f"/api/v1/orgs/acme/recommendations/{finding['recommendation_id']}", headers=bearer(cio)
    ).json
    assert rec["urls"] == [url]
    assert _post(client, bearer(agency), ("crawler.csv", crawl)).status_code == 200
