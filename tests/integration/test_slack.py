"""Slack through a local stand-in for its incoming webhooks (a real HTTP server on
127.0.0.1): the right messages, in Block Kit, each posted once, retried after a failure."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from collab.followup.alerts import scan
from collab.integrations import slack, slack_relay
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from tests.support.factories import form_post, login, make_org, make_recommendation, make_user
from tests.support.receiver import Receiver


@pytest.fixture
def stand_ins():
    servers = {name: Receiver().start() for name in ("directors", "it", "marketing")}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def acme(app, stand_ins):
    org = make_org("acme")
    cio = make_user(org, "cio")
    agency = make_user(org, "agency")
    for audience, server in stand_ins.items():
        slack.set_channel(org, audience, server.url)
    db.session.commit()
    return org, cio, agency


def posted(server) -> list[dict]:
    return [json.loads(r.body) for r in server.received]


def test_a_new_triage_item_is_posted_to_the_directors_once(app, acme, stand_ins):
    org, cio, agency = acme
    make_recommendation(org, agency, title="Fix <all> the 404s & @channel")
    assert slack_relay.relay() == {"sent": 1, "failed": 0, "gave_up": 0}
    assert slack_relay.relay() == {"sent": 0, "failed": 0, "gave_up": 0}
    [message] = posted(stand_ins["directors"])
    assert message["text"] == "New in triage: Fix <all> the 404s & @channel"
    section = message["blocks"][0]["text"]["text"]
    assert section.startswith("*New in triage:* <http")
    assert "Fix &lt;all&gt; the 404s &amp; @channel" in section  # no markup, no mention
    button = message["blocks"][-1]["elements"][0]
    assert button["url"] == f"{app.config['BASE_URL']}/orgs/acme/tasks/{_first_task(org)}"
    assert stand_ins["it"].received == [] and stand_ins["marketing"].received == []
    assert stand_ins["directors"].received[0].headers["content-type"] == "application/json"


def _first_task(org):
    from collab.models import Task

    return db.session.scalar(select(Task.id).where(Task.organization_id == org.id))


def test_escalations_go_to_the_directors_and_the_team(app, acme, stand_ins):
    org, cio, agency = acme
    due = utcnow().date() - dt.timedelta(days=4)  # level 2 at 3 days late
    make_recommendation(org, agency, title="Fix the 404s", due_date=due.isoformat())
    slack_relay.relay()  # the triage item
    scan()
    assert slack_relay.relay()["sent"] == 2
    [to_it] = posted(stand_ins["it"])
    assert to_it["text"] == "Overdue, level 2: Fix the 404s"
    assert "4 days late" in json.dumps(to_it)
    assert [m["text"] for m in posted(stand_ins["directors"])] == [
        "New in triage: Fix the 404s",
        "Overdue, level 2: Fix the 404s",
    ]
    assert stand_ins["marketing"].received == []


def test_a_failed_post_is_tried_again_and_sent_once(app, acme, stand_ins):
    org, cio, agency = acme
    stand_ins["directors"].answers.extend([500])
    make_recommendation(org, agency)
    now = utcnow()
    assert slack_relay.relay(now)["failed"] == 1
    assert slack_relay.relay(now + dt.timedelta(seconds=59))["sent"] == 1
    assert slack_relay.relay(now + dt.timedelta(hours=1))["sent"] == 0
    assert len(stand_ins["directors"].received) == 2
    assert stand_ins["directors"].received[0].body == stand_ins["directors"].received[1].body


def test_measured_impacts_go_to_the_team_and_the_directors(app, acme, stand_ins):
    from collab.impacts.job import run_impact
    from tests.integration.test_kpi_support import (
        TODAY,
        completed_task,
        daily_series,
        record_series,
    )

    org, cio, _ = acme
    first = TODAY - dt.timedelta(days=199)
    record_series(org, "search_ctr", first, daily_series(200, 3.0, step_on=140, step=0.25))
    completed_task(org, cio, "meta_tags", first + dt.timedelta(days=140), title="Meta titles")
    slack_relay.relay()
    run_impact()
    slack_relay.relay()
    [to_marketing] = posted(stand_ins["marketing"])
    assert to_marketing["text"].startswith("Measured: Meta titles: search click-through rate +")
    assert to_marketing["text"].endswith("(improved)")
    assert "95% interval" in json.dumps(to_marketing)
    assert posted(stand_ins["directors"])[-1] == to_marketing


def test_directors_set_and_remove_channels_on_the_settings_page(app, acme, stand_ins):
    org, cio, agency = acme
    client = app.test_client()
    login(client, cio.email)
    page = "/orgs/acme/settings/webhooks/"
    shown = client.get(page).text
    assert "Slack" in shown and stand_ins["it"].url not in shown  # the URL is the credential
    refused = form_post(client, page, page + "slack", {"it": "ftp://example.com/x"})
    assert refused.status_code == 422 and "only http:// and https://" in refused.text
    assert form_post(client, page, page + "slack", {"remove_it": "1"}).status_code == 303
    assert set(slack.channels_of(org)) == {"directors", "marketing"}
