"""The KPI and impact API of API.md: POST/GET /kpis and GET /tasks/{id}/impact."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from collab.models.kpis import KpiObservation
from collab.platform.extensions import db
from tests.integration.test_kpi_support import TODAY, completed_task, daily_series, record_series
from tests.support.factories import bearer, make_org, make_user


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(KpiObservation))


def _day(offset: int) -> str:
    return (TODAY - dt.timedelta(days=offset)).isoformat()


def test_post_upserts_and_reports_what_it_did(client):
    org = make_org("acme")
    headers = bearer(make_user(org, "agency"))
    body = {
        "observations": [
            {"metric": "leads", "date": _day(2), "value": 12, "channel": "organic"},
            {"metric": "leads", "date": _day(2), "value": 5, "channel": "Paid_Search"},
            {"metric": "spend", "date": _day(2), "value": 950.5},
        ]
    }
    first = client.post("/api/v1/orgs/acme/kpis", json=body, headers=headers)
    assert first.status_code == 200, first.json
    assert first.json == {"inserted": 3, "updated": 0, "unchanged": 0}

    again = client.post("/api/v1/orgs/acme/kpis", json=body, headers=headers)
    assert again.json == {"inserted": 0, "updated": 0, "unchanged": 3}

    body["observations"][0]["value"] = 13
    changed = client.post("/api/v1/orgs/acme/kpis", json=body, headers=headers)
    assert changed.json == {"inserted": 0, "updated": 1, "unchanged": 2}
    assert _count() == 3

    listed = client.get("/api/v1/orgs/acme/kpis?metric=leads", headers=headers).json
    assert listed["items"] == [
        {"metric": "leads", "date": _day(2), "value": 13.0, "channel": "organic"},
        {"metric": "leads", "date": _day(2), "value": 5.0, "channel": "paid_search"},
    ]
    assert listed["next_cursor"] is None
    spend = client.get("/api/v1/orgs/acme/kpis?metric=spend", headers=headers).json["items"]
    assert spend == [{"metric": "spend", "date": _day(2), "value": 950.5, "channel": None}]


def test_bad_rows_answer_422_naming_every_row_and_write_nothing(client):
    org = make_org("acme")
    headers = bearer(make_user(org, "cmo"))
    good = {"metric": "leads", "date": _day(1), "value": 3}
    body = {
        "observations": [
            good,
            {"metric": "leads", "date": _day(1), "value": "seven"},
            {"metric": "leads", "date": "2025-02-30", "value": 1},
            {"metric": "visits", "date": _day(1), "value": 1},
            {"metric": "leads", "date": _day(-3), "value": 1},
            {"metric": "spend", "date": _day(1), "value": -5},
            dict(good),
            {"metric": "cost_per_lead", "date": _day(1), "value": 10},
        ]
    }
    response = client.post("/api/v1/orgs/acme/kpis", json=body, headers=headers)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    fields = error["fields"]
    assert fields["observations[1].value"].startswith("not a number")
    assert "not a real date" in fields["observations[2].date"]
    assert "unknown metric" in fields["observations[3].metric"]
    assert "future" in fields["observations[4].date"]
    assert "negative" in fields["observations[5].value"]
    assert "duplicate of observations[0]" in fields["observations[6]"]
    assert "computed" in fields["observations[7].metric"]
    assert _count() == 0

    missing = client.post("/api/v1/orgs/acme/kpis", json={}, headers=headers)
    assert missing.status_code == 422 and missing.json["error"]["fields"] == {
        "observations": "required"
    }
    assert client.post("/api/v1/orgs/acme/kpis", data="x", headers=headers).status_code == 422


def test_who_may_write_and_read(client):
    org = make_org("acme")
    body = {"observations": [{"metric": "leads", "date": _day(1), "value": 1}]}
    for role in ("agency", "cio", "cmo"):
        headers = bearer(make_user(org, role))
        assert client.post("/api/v1/orgs/acme/kpis", json=body, headers=headers).status_code == 200
    for role in ("it", "marketing"):
        headers = bearer(make_user(org, role))
        refused = client.post("/api/v1/orgs/acme/kpis", json=body, headers=headers)
        assert refused.status_code == 403
        assert refused.json["error"]["code"] == "forbidden"
        assert client.get("/api/v1/orgs/acme/kpis", headers=headers).status_code == 200
    other = make_org("other")
    outsider = bearer(make_user(other, "cio"))
    assert client.get("/api/v1/orgs/acme/kpis", headers=outsider).status_code == 404
    assert client.post("/api/v1/orgs/acme/kpis", json=body, headers=outsider).status_code == 404


def test_get_filters_pages_and_derives(client):
    org = make_org("acme")
    headers = bearer(make_user(org, "cio"))
    first = TODAY - dt.timedelta(days=9)
    record_series(org, "leads", first, [10] * 10, channel="organic")
    record_series(org, "leads", first, [5] * 10, channel="email")
    record_series(org, "spend", first, [200] * 10, channel="organic")
    record_series(org, "staff_cost", first, [100] * 10)

    def get(query: str) -> dict:
        response = client.get(f"/api/v1/orgs/acme/kpis?{query}", headers=headers)
        assert response.status_code == 200, response.json
        return response.json

    window = get(f"metric=leads&from={_day(3)}&to={_day(2)}&channel=email")
    assert [(i["date"], i["value"]) for i in window["items"]] == [(_day(3), 5.0), (_day(2), 5.0)]

    seen, cursor = [], None
    while True:
        page = get("limit=7" + (f"&cursor={cursor}" if cursor else ""))
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 40
    assert len({(i["metric"], i["date"], i["channel"]) for i in seen}) == 40

    # Derived from daily totals: (200 + 100) / 15 leads; per channel from that channel's rows.
    cpl = get(f"metric=cost_per_lead&from={_day(1)}&to={_day(1)}")["items"]
    assert cpl == [{"metric": "cost_per_lead", "date": _day(1), "value": 20.0, "channel": None}]
    per_channel = get(f"metric=cost_per_lead&from={_day(0)}&channel=organic")["items"]
    assert per_channel == [
        {"metric": "cost_per_lead", "date": _day(0), "value": 20.0, "channel": "organic"}
    ]

    bad = client.get("/api/v1/orgs/acme/kpis?metric=visits&from=yesterday&limit=0", headers=headers)
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"metric", "from", "limit"}
    assert client.get("/api/v1/orgs/acme/kpis?cursor=zzz", headers=headers).status_code == 422


def test_all_channel_figures_are_not_added_to_their_breakdown(client):
    org = make_org("acme")
    headers = bearer(make_user(org, "cio"))
    day = TODAY - dt.timedelta(days=1)
    record_series(org, "leads", day, [7], channel="organic")
    record_series(org, "leads", day, [3], channel="email")
    cpl_inputs = [("spend", 100.0)]
    for metric, value in cpl_inputs:
        record_series(org, metric, day, [value])
    totals = client.get("/api/v1/orgs/acme/kpis?metric=cost_per_lead", headers=headers).json
    assert totals["items"][0]["value"] == 10.0  # 100 / (7 + 3)
    record_series(org, "leads", day, [20])  # the all-channels figure wins over the sum
    totals = client.get("/api/v1/orgs/acme/kpis?metric=cost_per_lead", headers=headers).json
    assert totals["items"][0]["value"] == 5.0


def test_task_impact_measured_with_confounders(client):
    org = make_org("acme")
    director = make_user(org, "cmo")
    headers = bearer(make_user(org, "it"))
    days = 420
    first = TODAY - dt.timedelta(days=days - 1)
    changed_index = days - 40
    changed = first + dt.timedelta(days=changed_index)
    values = daily_series(days, level=3.0, step_on=changed_index, step=0.25)
    record_series(org, "search_ctr", first, values)
    task = completed_task(org, director, "meta_tags", changed, started=changed - dt.timedelta(3))
    neighbour = completed_task(org, director, "paid_ads", changed + dt.timedelta(days=5))
    completed_task(org, director, "paid_ads", changed - dt.timedelta(days=2))  # in the gap

    response = client.get(f"/api/v1/orgs/acme/tasks/{task.id}/impact", headers=headers)
    assert response.status_code == 200
    items = {i["metric"]: i for i in response.json["items"]}
    assert set(items) == {"search_ctr", "organic_sessions"}
    ctr = items["search_ctr"]
    assert ctr["status"] == "measured"
    assert ctr["verdict"] == "improved"
    assert 15 < ctr["change_pct"] < 35
    low, high = ctr["ci95_pct"]
    assert low < ctr["change_pct"] < high and low > 0
    assert 0 < ctr["p_value"] <= 0.05
    assert ctr["after"] == {
        "from": changed.isoformat(),
        "to": (changed + dt.timedelta(days=27)).isoformat(),
        "mean": ctr["after"]["mean"],
        "n": 28,
    }
    assert ctr["before"]["to"] == (changed - dt.timedelta(days=4)).isoformat()
    assert ctr["confounders"] == [neighbour.id]
    assert any("other task was completed" in w for w in ctr["warnings"])
    sessions = items["organic_sessions"]
    assert sessions["status"] == "waiting_for_data" and sessions["after"]["n"] == 0
    assert sessions["change_pct"] is None and sessions["verdict"] is None
    assert (ctr["material_pct"], sessions["material_pct"]) == (10.0, 10.0)
    assert ctr["mde_pct"] > 0 and sessions["mde_pct"] is None
    assert set(sessions) == set(ctr)
    assert set(ctr) == {
        "metric",
        "status",
        "before",
        "after",
        "change_abs",
        "change_pct",
        "ci95_pct",
        "p_value",
        "verdict",
        "material_pct",
        "mde_pct",
        "method",
        "confounders",
        "warnings",
    }


def test_task_impact_of_open_and_foreign_tasks(client):
    org = make_org("acme")
    director = make_user(org, "cio")
    headers = bearer(director)
    from tests.support.factories import make_recommendation

    open_task = make_recommendation(org, director, category="page_speed").tasks[0]
    response = client.get(f"/api/v1/orgs/acme/tasks/{open_task.id}/impact", headers=headers)
    assert response.status_code == 200 and response.json == {"items": []}

    other = make_org("other")
    theirs = make_recommendation(other, make_user(other, "cio"), category="page_speed").tasks[0]
    hidden = client.get(f"/api/v1/orgs/acme/tasks/{theirs.id}/impact", headers=headers)
    assert hidden.status_code == 404
    assert hidden.json["error"]["code"] == "not_found"
