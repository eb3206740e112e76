"""Outgoing webhooks end to end: registered over the API, fed by real changes, delivered by
the relay to a real HTTP receiver on 127.0.0.1 that checks every signature with the
Standard Webhooks reference library."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook as Verifier

from collab.followup.alerts import scan
from collab.integrations import deliveries, webhooks
from collab.models import OutboxEmail
from collab.models.integrations import Webhook, WebhookDelivery
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from tests.support.factories import bearer, make_org, make_recommendation, make_user
from tests.support.receiver import Receiver

ALL = ["recommendation.filed", "task.updated", "task.done", "alert.raised", "impact.measured"]


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def acme(app):
    org = make_org("acme")
    cio = make_user(org, "cio", email="cio@acme.example.com")
    make_user(org, "cmo", email="cmo@acme.example.com")
    agency = make_user(org, "agency", email="seo@agency.example.com")
    return org, cio, agency


def register(client, cio, url, events=ALL):
    response = client.post(
        "/api/v1/orgs/acme/webhooks", json={"url": url, "events": events}, headers=bearer(cio)
    )
    assert response.status_code == 201, response.json
    return response.json


def verified(received, secret) -> dict:
    """The payload, after the reference library checked the signature and timestamp."""
    return Verifier(secret).verify(received.body, received.headers)


def test_registering_answers_the_secret_once_and_only_directors_may(app, client, acme, receiver):
    org, cio, agency = acme
    hook = register(client, cio, receiver.url, ["task.done"])
    assert hook["url"] == receiver.url and hook["events"] == ["task.done"]
    assert hook["secret"].startswith("whsec_")
    listed = client.get("/api/v1/orgs/acme/webhooks", headers=bearer(cio)).json["items"]
    assert [h["id"] for h in listed] == [hook["id"]]
    assert "secret" not in listed[0]
    for who in (agency, make_user(org, "it")):
        refused = client.get("/api/v1/orgs/acme/webhooks", headers=bearer(who))
        assert refused.status_code == 403
    assert (
        client.delete(f"/api/v1/orgs/acme/webhooks/{hook['id']}", headers=bearer(cio)).status_code
        == 204
    )
    assert client.get("/api/v1/orgs/acme/webhooks", headers=bearer(cio)).json["items"] == []


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"url": "ftp://example.com/in", "events": ["task.done"]}, "url", "only http"),
        ({"url": "javascript:alert(1)", "events": ["task.done"]}, "url", "only http"),
        ({"url": "file:///etc/passwd", "events": ["task.done"]}, "url", "only http"),
        ({"url": "https://", "events": ["task.done"]}, "url", "no host"),
        ({"url": "https://u:p@example.com/", "events": ["task.done"]}, "url", "password"),
        ({"url": "https://example.com/", "events": []}, "events", "required"),
        ({"url": "https://example.com/", "events": ["task.moved"]}, "events[0]", "one of"),
        ({"url": 42, "events": ["task.done"]}, "url", "a string"),
    ],
)
def test_bad_registrations_say_what_is_wrong(client, acme, body, field, words):
    _, cio, _ = acme
    response = client.post("/api/v1/orgs/acme/webhooks", json=body, headers=bearer(cio))
    assert response.status_code == 422
    assert words in response.json["error"]["fields"][field]


def test_every_event_arrives_signed_once_with_the_api_object(app, client, acme, receiver):
    org, cio, agency = acme
    secret = register(client, cio, receiver.url)["secret"]
    filed = client.post(
        "/api/v1/orgs/acme/recommendations",
        json={"title": "Fix 1,000+ 404 errors found in the crawl"},
        headers=bearer(agency),
    ).json
    task = filed["tasks"][0]
    version = task["version"]
    for status in ("todo", "in_progress", "done"):
        moved = client.patch(
            f"/api/v1/orgs/acme/tasks/{task['id']}",
            json={"version": version, "status": status},
            headers=bearer(cio),
        )
        assert moved.status_code == 200, moved.json
        version = moved.json["version"]

    assert deliveries.relay() == {"delivered": 5, "failed": 0, "gave_up": 0}
    assert deliveries.relay() == {"delivered": 0, "failed": 0, "gave_up": 0}  # once each

    payloads = [verified(r, secret) for r in receiver.received]
    assert [p["type"] for p in payloads] == [
        "recommendation.filed",
        "task.updated",
        "task.updated",
        "task.updated",
        "task.done",
    ]
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(set(ids)) == 5
    recommendation = payloads[0]["data"]
    assert recommendation["id"] == filed["id"] and recommendation["tasks"][0]["id"] == task["id"]
    done = payloads[-1]["data"]
    api_task = client.get(f"/api/v1/orgs/acme/tasks/{task['id']}", headers=bearer(cio)).json
    assert done["status"] == "done" and done["version"] == api_task["version"]
    assert {k: v for k, v in done.items() if k != "url"} == {
        k: v for k, v in api_task.items() if k != "url"
    }
    assert done["url"].startswith(app.config["BASE_URL"])
    assert payloads[-2]["data"] == done  # task.updated and task.done carry the same task
    first = receiver.received[0]
    assert abs(int(first.headers["webhook-timestamp"]) - utcnow().timestamp()) < 60
    assert first.headers["content-type"] == "application/json"
    assert json.loads(first.body)["timestamp"].endswith("Z")


def test_only_the_events_asked_for_are_sent(app, client, acme, receiver):
    org, cio, agency = acme
    register(client, cio, receiver.url, ["task.done"])
    make_recommendation(org, agency)
    assert db.session.scalar(select(db.func.count()).select_from(WebhookDelivery)) == 0


def test_a_503_is_tried_again_within_a_minute_with_the_same_id(app, client, acme, receiver):
    org, cio, agency = acme
    secret = register(client, cio, receiver.url, ["recommendation.filed"])["secret"]
    receiver.answers.extend([503])
    make_recommendation(org, agency)
    now = utcnow()
    assert deliveries.relay(now) == {"delivered": 0, "failed": 1, "gave_up": 0}
    row = db.session.scalars(select(WebhookDelivery)).one()
    assert row.last_status == 503 and "503" in row.last_error
    assert row.last_duration_ms is not None and row.last_response == "answered 503"
    assert now < row.next_attempt_at <= now + dt.timedelta(seconds=60)
    assert deliveries.relay(now + dt.timedelta(seconds=10)) == {
        "delivered": 0,
        "failed": 0,
        "gave_up": 0,
    }
    later = now + dt.timedelta(seconds=60)
    assert deliveries.relay(later)["delivered"] == 1
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    verified(second, secret)
    db.session.refresh(row)
    assert row.attempts == 2 and row.delivered_at is not None and row.last_status == 200


def test_a_day_of_failures_disables_the_webhook_and_tells_the_directors(
    app, client, acme, receiver
):
    org, cio, agency = acme
    hook_id = register(client, cio, receiver.url, ["recommendation.filed"])["id"]
    receiver.default = 503
    make_recommendation(org, agency)
    now = utcnow()
    outcomes = []
    while True:
        counts = deliveries.relay(now)
        outcomes.append(counts)
        if counts["gave_up"]:
            break
        row = db.session.scalars(select(WebhookDelivery)).one()
        now = row.next_attempt_at
        assert len(outcomes) < 30
    row = db.session.scalars(select(WebhookDelivery)).one()
    times = [int(r.headers["webhook-timestamp"]) for r in receiver.received]
    pauses = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert pauses[0] <= 60 and pauses == sorted(pauses[:-1]) + pauses[-1:]  # backing off
    assert row.failed_at is not None
    assert row.failed_at - row.first_attempt_at == dt.timedelta(hours=24)
    assert len(receiver.received) == row.attempts == len(outcomes)
    hook = db.session.get(Webhook, hook_id)
    assert hook.disabled_at is not None and "kept failing" in hook.disabled_reason
    mails = db.session.scalars(select(OutboxEmail)).all()
    assert sorted(m.to_address for m in mails if "disabled" in m.subject) == [
        "cio@acme.example.com",
        "cmo@acme.example.com",
    ]
    # Disabled: new events are not queued, nothing is sent.
    make_recommendation(org, agency, title="Compress the hero images")
    assert deliveries.relay(now + dt.timedelta(days=1))["delivered"] == 0
    assert db.session.scalar(select(db.func.count()).select_from(WebhookDelivery)) == 1
    listed = client.get("/api/v1/orgs/acme/webhooks", headers=bearer(cio)).json["items"]
    assert listed[0]["disabled_at"] is not None

    # A director enables it again and sends the failed delivery once more.
    receiver.default = 204
    webhooks.enable(org, hook_id)
    webhooks.send_again(org, hook_id, row.id)
    db.session.commit()
    assert deliveries.relay()["delivered"] == 1
    assert receiver.received[-1].headers["webhook-id"] == row.message_id


def test_a_redirect_is_a_failure_and_is_not_followed(app, client, acme, receiver):
    org, cio, agency = acme
    register(client, cio, receiver.url, ["recommendation.filed"])
    receiver.answers.extend([302])
    receiver.location = receiver.url.replace("/hooks/collab", "/other")
    make_recommendation(org, agency)
    assert deliveries.relay()["failed"] == 1
    assert [r.path for r in receiver.received] == ["/hooks/collab"]
    row = db.session.scalars(select(WebhookDelivery)).one()
    assert row.last_status == 302 and "redirects are not followed" in row.last_error


def test_rotation_signs_with_both_secrets_for_a_day(app, client, acme, receiver):
    org, cio, agency = acme
    hook = register(client, cio, receiver.url, ["recommendation.filed"])
    rotated = client.post(f"/api/v1/orgs/acme/webhooks/{hook['id']}/rotate", headers=bearer(cio))
    assert rotated.status_code == 200
    new = rotated.json["secret"]
    assert new != hook["secret"] and new.startswith("whsec_")
    make_recommendation(org, agency)
    assert deliveries.relay()["delivered"] == 1
    received = receiver.received[0]
    assert len(received.headers["webhook-signature"].split(" ")) == 2
    verified(received, hook["secret"])
    verified(received, new)

    webhooks.send_again(org, hook["id"], db.session.scalars(select(WebhookDelivery)).one().id)
    db.session.commit()
    tomorrow = utcnow() + dt.timedelta(hours=24, minutes=1)
    assert deliveries.relay(tomorrow)["delivered"] == 1
    signatures = receiver.received[1].headers["webhook-signature"].split(" ")
    assert len(signatures) == 1


def test_alerts_raised_by_the_scan_are_sent(app, client, acme, receiver):
    org, cio, agency = acme
    secret = register(client, cio, receiver.url, ["alert.raised"])["secret"]
    make_recommendation(org, agency, due_date=(utcnow().date() - dt.timedelta(days=2)).isoformat())
    scan()
    assert deliveries.relay()["delivered"] >= 1
    alerts = client.get("/api/v1/orgs/acme/alerts", headers=bearer(cio)).json["items"]
    sent = [verified(r, secret) for r in receiver.received]
    assert {p["type"] for p in sent} == {"alert.raised"}
    assert sorted((p["data"] for p in sent), key=lambda a: a["id"]) == alerts
    scan()  # a rescan raises nothing new, so sends nothing new
    assert deliveries.relay()["delivered"] == 0


def test_deliveries_are_written_with_the_change_and_vanish_with_its_rollback(app, acme, receiver):
    org, cio, agency = acme
    registered = webhooks.register(
        org, _membership(cio, org), {"url": receiver.url, "events": ["recommendation.filed"]}
    )
    db.session.commit()
    assert registered.secret.startswith("whsec_")
    make_recommendation(org, agency)
    from collab.work.recommendations import file_recommendation

    file_recommendation(org, _membership(agency, org), {"title": "Rolled back"})
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(WebhookDelivery)) == 1


def _membership(user, org):
    from tests.support.factories import membership

    return membership(user, org)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:{port}/", "http://2130706433:{port}/", "http://[::ffff:127.0.0.1]:{port}/"],
)
def test_production_refuses_private_addresses_at_registration(app, client, acme, receiver, url):
    _, cio, _ = acme
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    port = receiver.server.server_address[1]
    response = client.post(
        "/api/v1/orgs/acme/webhooks",
        json={"url": url.format(port=port), "events": ["task.done"]},
        headers=bearer(cio),
    )
    assert response.status_code == 422
    assert "private, loopback or link-local" in response.json["error"]["fields"]["url"]
    assert "WEBHOOK_ALLOW_PRIVATE" in response.json["error"]["message"]


def test_every_send_checks_the_address_again(app, client, acme, receiver):
    """A name that answered a public address at registration and a private one now (DNS
    rebinding) is caught at the send: the check runs on what the name resolves to then."""
    org, cio, agency = acme
    register(client, cio, receiver.url, ["recommendation.filed"])
    make_recommendation(org, agency)
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    assert deliveries.relay()["failed"] == 1
    assert receiver.received == []
    row = db.session.scalars(select(WebhookDelivery)).one()
    assert row.last_status is None and "private, loopback" in row.last_error


def test_two_relays_at_once_send_each_delivery_once(app, client, acme, receiver):
    import threading

    org, cio, agency = acme
    register(client, cio, receiver.url, ["recommendation.filed"])
    for n in range(6):
        make_recommendation(org, agency, title=f"Recommendation {n}")
    results = []

    def run():
        with app.app_context():
            results.append(deliveries.relay())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(r["delivered"] for r in results) == 6
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 6


def test_an_impact_once_measured_is_sent_with_its_task(app, client, acme, receiver):
    from collab.impacts.job import run_impact
    from tests.integration.test_kpi_support import (
        TODAY,
        completed_task,
        daily_series,
        record_series,
    )

    org, cio, _ = acme
    secret = register(client, cio, receiver.url, ["impact.measured"])["secret"]
    first = TODAY - dt.timedelta(days=199)
    record_series(org, "search_ctr", first, daily_series(200, 3.0, step_on=140, step=0.25))
    task = completed_task(org, cio, "meta_tags", first + dt.timedelta(days=140))
    run_impact()
    assert deliveries.relay()["delivered"] == 1
    payload = verified(receiver.received[0], secret)
    assert payload["type"] == "impact.measured"
    impact = payload["data"]
    assert impact["task_id"] == task.id and impact["metric"] == "search_ctr"
    assert impact["status"] == "measured" and impact["verdict"] == "improved"
    api = client.get(f"/api/v1/orgs/acme/tasks/{task.id}/impact", headers=bearer(cio)).json
    assert {k: v for k, v in impact.items() if k != "task_id"} in api["items"]
    run_impact()  # measured again from the same data: nothing new to tell
    assert deliveries.relay()["delivered"] == 0


def test_the_settings_page_registers_and_shows_the_log_with_send_again(app, acme, receiver):
    from tests.support.factories import form_post, login

    org, cio, agency = acme
    client = app.test_client()
    login(client, cio.email)
    page = "/orgs/acme/settings/webhooks/"
    refused = form_post(client, page, page, {"url": "ftp://example.com/", "events": ["task.done"]})
    assert refused.status_code == 422 and "only http:// and https://" in refused.text
    added = form_post(client, page, page, {"url": receiver.url, "events": ["recommendation.filed"]})
    assert added.status_code == 200 and "whsec_" in added.text
    title = added.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "Slack" not in title  # the page's sections stay on the page
    assert added.text.count('id="slack"') == 1
    hook = db.session.scalars(select(Webhook)).one()
    make_recommendation(org, agency)
    receiver.answers.extend([500])
    deliveries.relay()
    log = client.get(f"/orgs/acme/settings/webhooks/{hook.id}/")
    assert log.status_code == 200
    assert "recommendation.filed" in log.text and "answered 500" in log.text
    assert "retrying at" in log.text and "Send again" not in log.text
    deliveries.relay(utcnow() + dt.timedelta(minutes=1))
    log = client.get(f"/orgs/acme/settings/webhooks/{hook.id}/")
    assert "delivered" in log.text and " ms" in log.text
    row = db.session.scalars(select(WebhookDelivery)).one()
    again = form_post(
        client,
        f"/orgs/acme/settings/webhooks/{hook.id}/",
        f"/orgs/acme/settings/webhooks/{hook.id}/deliveries/{row.id}/again",
        {},
    )
    assert again.status_code == 303
    deliveries.relay()
    assert [r.headers["webhook-id"] for r in receiver.received[-2:]] == [row.message_id] * 2
    staff = make_user(org, "it")
    other = app.test_client()
    login(other, staff.email)
    assert other.get(page).status_code == 403
