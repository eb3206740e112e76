"""The four verdicts on the pages: an improvement is green, no change and inconclusive are
neutral everywhere (cards, ledger, task page), the task page says what would make an
inconclusive measurement conclusive, and directors set each metric's materiality."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from collab.impacts.job import run_impact
from collab.kpis.materiality import material_pcts
from collab.models.kpis import TaskImpact
from collab.platform.extensions import db
from tests.integration.test_kpi_support import TODAY, completed_task, daily_series, record_series
from tests.support.factories import csrf_from, login, make_org, make_user

DAYS = 420
FIRST = TODAY - dt.timedelta(days=DAYS - 1)


def _signed_in(app, org, role: str = "cio"):
    user = make_user(org, role)
    client = app.test_client()
    login(client, user.email)
    return client, user


def _three_verdicts(org, director):
    """LCP drops 30% at one page-speed task (improved); bounce rate is flat and calm (no
    change); conversion is noisy and seasonal-looking (inconclusive)."""
    changed_index = DAYS - 50
    changed = FIRST + dt.timedelta(days=changed_index)
    record_series(
        org, "lcp_ms", FIRST, daily_series(DAYS, 3000, step_on=changed_index, step=-0.3, seed=3)
    )
    record_series(org, "bounce_rate", FIRST, daily_series(DAYS, 55.0, seed=7))
    wobbly = daily_series(DAYS, 2.0, seed=5)
    wobbly[-120:] *= [1.0 + 0.5 * ((day // 20) % 2) for day in range(120)]  # 20-day swings
    record_series(org, "conversion_rate", FIRST, wobbly)
    task = completed_task(org, director, "page_speed", changed, title="Compress the images")
    run_impact()
    db.session.commit()
    verdicts = dict(
        db.session.execute(
            select(TaskImpact.metric, TaskImpact.verdict).where(TaskImpact.task_id == task.id)
        ).all()
    )
    assert verdicts == {
        "lcp_ms": "improved",
        "bounce_rate": "no_change",
        "conversion_rate": "inconclusive",
    }
    return task


def test_no_change_and_inconclusive_are_neutral_and_the_page_says_what_would_decide(app):
    org = make_org("acme")
    client, director = _signed_in(app, org)
    task = _three_verdicts(org, director)

    page = client.get(f"/orgs/acme/tasks/{task.id}").text.split('id="impact-h"')[1]
    assert 'class="verdict-improved"' in page
    no_change = 'class="verdict-no_change" data-label="Verdict">no clear change'
    assert f"{no_change} <small>(within ±10%)</small>" in page
    assert 'class="verdict-inconclusive" data-label="Verdict">inconclusive' in page
    assert "What would make it conclusive:" in page
    hints = page.split("What would make it conclusive:")[1].split("</ul>")[0]
    assert "A longer after window" in hints and "A control metric" in hints

    ledger = client.get("/orgs/acme/kpis/").text
    assert 'class="verdict-inconclusive" data-label="Verdict">inconclusive' in ledger
    assert 'class="verdict-no_change" data-label="Verdict">no clear change' in ledger

    board = client.get("/orgs/acme/board?done=all").text
    card = board.split(f'id="card-{task.id}"')[1].split("</li>")[0]
    # The card shows the most significant impact: the improvement, in green.
    assert 'class="tag impact verdict-improved">LCP \u2212' in card


def test_an_inconclusive_card_is_neutral(app):
    org = make_org("acme")
    client, director = _signed_in(app, org)
    changed_index = DAYS - 50
    changed = FIRST + dt.timedelta(days=changed_index)
    wobbly = daily_series(DAYS, 2.0, seed=5)
    wobbly[-120:] *= [1.0 + 0.5 * ((day // 20) % 2) for day in range(120)]
    record_series(org, "search_ctr", FIRST, wobbly)
    task = completed_task(org, director, "meta_tags", changed, title="New meta titles")
    run_impact()
    db.session.commit()
    board = client.get("/orgs/acme/board?done=all").text
    card = board.split(f'id="card-{task.id}"')[1].split("</li>")[0]
    assert 'class="tag impact verdict-inconclusive">CTR: inconclusive</span>' in card


def test_directors_set_each_metrics_materiality(app):
    org = make_org("acme")
    client, _ = _signed_in(app, org, "cmo")
    page = client.get("/orgs/acme/kpis/map")
    assert 'name="material|leads"' in page.text and 'placeholder="10"' in page.text
    saved = client.post(
        "/orgs/acme/kpis/map/materiality",
        data={
            "csrf_token": csrf_from(page.text),
            "material|leads": "15",
            "material|lcp_ms": "5%",
            "material|bounce_rate": "",
        },
        follow_redirects=True,
    )
    assert "Saved the materiality of 2 metrics" in saved.text
    assert material_pcts(org) == {"leads": 15.0, "lcp_ms": 5.0}
    assert 'value="15"' in saved.text

    refused = client.post(
        "/orgs/acme/kpis/map/materiality",
        data={"csrf_token": csrf_from(saved.text), "material|leads": "0", "material|spend": "x"},
    )
    assert refused.status_code == 422
    assert material_pcts(org) == {"leads": 15.0, "lcp_ms": 5.0}  # all or nothing

    back = client.post(
        "/orgs/acme/kpis/map/materiality",
        data={"csrf_token": csrf_from(saved.text), "material|leads": "10"},
        follow_redirects=True,
    )
    assert "Saved the materiality of 1 metric;" in back.text
    assert material_pcts(org) == {"lcp_ms": 5.0}  # the default again is no setting

    staff, _ = _signed_in(app, org, "it")
    view = staff.get("/orgs/acme/kpis/map")
    assert "Save the materiality" not in view.text
    forbidden = staff.post(
        "/orgs/acme/kpis/map/materiality",
        data={"csrf_token": csrf_from(view.text), "material|leads": "20"},
    )
    assert forbidden.status_code == 403


def test_the_materiality_reaches_the_verdict(app):
    org = make_org("acme")
    client, director = _signed_in(app, org, "cmo")
    changed_index = DAYS - 50
    changed = FIRST + dt.timedelta(days=changed_index)
    record_series(org, "bounce_rate", FIRST, daily_series(DAYS, 55.0, seed=7))
    task = completed_task(org, director, "page_speed", changed)
    run_impact()
    db.session.commit()

    def bounce():
        db.session.expire_all()
        return db.session.scalar(
            select(TaskImpact).where(
                TaskImpact.task_id == task.id, TaskImpact.metric == "bounce_rate"
            )
        )

    assert (bounce().verdict, bounce().result["material_pct"]) == ("no_change", 10.0)
    page = client.get("/orgs/acme/kpis/map")
    client.post(
        "/orgs/acme/kpis/map/materiality",
        data={"csrf_token": csrf_from(page.text), "material|bounce_rate": "0.5"},
    )
    run_impact()  # a new materiality is a new fingerprint: measured again
    db.session.commit()
    assert (bounce().verdict, bounce().result["material_pct"]) == ("inconclusive", 0.5)


def test_the_openapi_impact_has_the_four_verdicts_and_the_new_fields(client):
    impact = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Impact"]
    properties = impact["properties"]
    choices = properties["verdict"]["anyOf"]
    assert {"type": "null"} in choices  # while waiting for data
    [named] = [c["enum"] for c in choices if "enum" in c]
    assert named == ["improved", "worsened", "no_change", "inconclusive"]
    assert "verdict" in impact["required"]
    assert {"material_pct", "mde_pct", "method"} <= set(properties)
