"""The monthly report against a seeded month whose answers are worked out by hand: March 2025
in Berlin (UTC+1 that month until the 30th, UTC+2 after), with work filed, done and left
late around the month's edges, and KPIs split over channels."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from collab.kpis.input import Observation
from collab.kpis.recording import record_kpis
from collab.platform.extensions import db
from tests.support.factories import bearer, login, make_org, make_recommendation, make_user

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def seeded(org, director, title, category, filed, *, done=None, due=None, status=None):
    """A recommendation filed at ``filed`` (UTC) whose one task is done at ``done`` or left
    in ``status``, due on ``due``."""
    recommendation = make_recommendation(org, director, title=title, category=category)
    recommendation.created_at = at(filed)
    task = recommendation.tasks[0]
    task.created_at = at(filed)
    task.due_date = dt.date.fromisoformat(due) if due else task.due_date
    task.status = "done" if done else (status or "todo")
    task.completed_at = at(done) if done else None
    db.session.commit()
    return task


def _observations(metric, first, days, value, channel=""):
    return [Observation(metric, first + dt.timedelta(days=i), value, channel) for i in range(days)]


@pytest.fixture
def march(app):
    org = make_org("acme", timezone="Europe/Berlin")
    cio = make_user(org, "cio")
    agency = make_user(org, "agency")
    tasks = {
        # Filed in March; IT, done after 10 days.
        "r1": seeded(
            org, cio, "Fix the 404s", "broken_links", "2025-03-03T10:00", done="2025-03-13T09:00"
        ),
        # Filed in March; marketing, done after 4 days.
        "r2": seeded(
            org, cio, "Meta titles", "meta_tags", "2025-03-05T08:00", done="2025-03-09T15:00"
        ),
        # Filed in February, IT, done in March after 28 days.
        "r3": seeded(
            org, cio, "Compress images", "page_speed", "2025-02-20T12:00", done="2025-03-20T12:00"
        ),
        # 23:30 UTC on 31 March is already 1 April in Berlin: not March's.
        "r4": seeded(
            org, cio, "New landing copy", "landing_copy", "2025-03-31T23:30", due="2025-05-01"
        ),
        # 23:30 UTC on 28 February is 1 March in Berlin: March's; open and late at the end.
        "r5": seeded(
            org, cio, "Thin content", "thin_content", "2025-02-28T23:30", due="2025-03-10"
        ),
        # Due on March's last day and still open: not late yet when March closes.
        "r6": seeded(org, cio, "Mobile menu", "mobile", "2025-03-10T09:00", due="2025-03-31"),
        # Late since February, done only in April: it was open and late at March's end.
        "r7": seeded(
            org,
            cio,
            "Redirect chains",
            "redirects",
            "2025-01-10T09:00",
            due="2025-02-15",
            done="2025-04-05T09:00",
        ),
    }
    assert [t.team for t in tasks.values()] == [
        "it",
        "marketing",
        "it",
        "marketing",
        "marketing",
        "it",
        "it",
    ]
    observations = (
        _observations("leads", dt.date(2025, 2, 1), 28, 2.0)  # February: 56
        + _observations("leads", dt.date(2025, 3, 1), 31, 2.0, "organic")  # March: 62 ...
        + _observations("leads", dt.date(2025, 3, 1), 31, 1.0, "paid_search")  # ... + 31 = 93
        + _observations("spend", dt.date(2025, 2, 1), 28, 100.0)  # 2,800
        + _observations("spend", dt.date(2025, 3, 1), 31, 100.0)  # 3,100
        + _observations("revenue", dt.date(2025, 2, 1), 28, 300.0)  # 8,400
        + _observations("revenue", dt.date(2025, 3, 1), 31, 620.0)  # 19,220
        + _observations("search_clicks", dt.date(2025, 3, 1), 31, 30.0)  # 930
        + _observations("search_impressions", dt.date(2025, 3, 1), 31, 1000.0)  # 31,000
        + _observations("search_ctr", dt.date(2025, 3, 1), 31, 9.9)  # daily rows disagree
    )
    record_kpis(org, observations)
    db.session.commit()
    return org, cio, agency, tasks


def test_a_seeded_month_gives_the_figures_worked_out_by_hand(client, march):
    org, cio, agency, tasks = march
    response = client.get("/api/v1/orgs/acme/reports/monthly?month=2025-03", headers=bearer(cio))
    assert response.status_code == 200, response.json
    report = response.json
    assert report["month"] == "2025-03"
    assert (report["filed"], report["done"], report["overdue"]) == (4, 3, 2)
    it, marketing = report["by_team"]["it"], report["by_team"]["marketing"]
    assert (it["filed"], it["done"], it["overdue"], it["median_days_to_done"]) == (2, 2, 1, 19.0)
    assert (marketing["filed"], marketing["done"], marketing["overdue"]) == (2, 1, 1)
    assert marketing["median_days_to_done"] == 4.0
    assert [t["id"] for t in report["late"]] == [tasks["r7"].id, tasks["r5"].id]
    kpis = {k["metric"]: k for k in report["kpis"]}
    assert [k["metric"] for k in report["kpis"]][:3] == ["leads", "cost_per_lead", "romi"]
    assert kpis["leads"] == {
        "metric": "leads",
        "value": 93.0,
        "previous": 56.0,
        "change_pct": 66.07,
        "year_before": None,
        "change_year_pct": None,
    }
    assert kpis["cost_per_lead"]["value"] == pytest.approx(3100 / 93, abs=1e-4)
    assert kpis["cost_per_lead"]["previous"] == 50.0
    assert kpis["cost_per_lead"]["change_pct"] == -33.33
    assert kpis["romi"]["value"] == pytest.approx((19220 - 3100) / 3100, abs=1e-4)
    assert kpis["romi"]["previous"] == 2.0 and kpis["romi"]["change_pct"] == 160.0
    assert kpis["search_ctr"]["value"] == 3.0  # 930 clicks of 31,000 impressions
    assert kpis["search_ctr"]["previous"] is None and kpis["search_ctr"]["change_pct"] is None
    assert report["impacts"] == []
    # The agency reads it too; staff do not; another organisation's members find nothing.
    assert (
        client.get("/api/v1/orgs/acme/reports/monthly?month=2025-03", headers=bearer(agency)).json
        == report
    )
    staff = make_user(org, "it")
    assert client.get("/api/v1/orgs/acme/reports/monthly", headers=bearer(staff)).status_code == 403
    stranger = make_user(make_org("other"), "cio")
    assert (
        client.get("/api/v1/orgs/acme/reports/monthly", headers=bearer(stranger)).status_code == 404
    )


@pytest.mark.parametrize(
    "month", ["2025-13", "2025-3", "March", "2025-03-01", "0999-01", "２０２５-03"]
)
def test_a_malformed_month_is_refused(client, march, month):
    _, cio, _, _ = march
    response = client.get(f"/api/v1/orgs/acme/reports/monthly?month={month}", headers=bearer(cio))
    assert response.status_code == 422
    assert "YYYY-MM" in response.json["error"]["fields"]["month"]


def test_a_month_not_yet_begun_is_refused_and_the_current_one_answers(client, march):
    _, cio, _, _ = march
    today = dt.datetime.now(UTC).astimezone(dt.timezone(dt.timedelta(hours=1))).date()
    following = (today.replace(day=1) + dt.timedelta(days=40)).strftime("%Y-%m")
    refused = client.get(
        f"/api/v1/orgs/acme/reports/monthly?month={following}", headers=bearer(cio)
    )
    assert (
        refused.status_code == 422 and "current month" in refused.json["error"]["fields"]["month"]
    )
    current = client.get("/api/v1/orgs/acme/reports/monthly", headers=bearer(cio))
    assert current.status_code == 200


def test_a_month_before_any_data_is_an_empty_report(client, march):
    _, cio, _, _ = march
    report = client.get("/api/v1/orgs/acme/reports/monthly?month=2001-01", headers=bearer(cio)).json
    assert (report["filed"], report["done"], report["overdue"]) == (0, 0, 0)
    assert report["by_team"]["it"]["median_days_to_done"] is None
    assert (report["kpis"], report["impacts"], report["late"]) == ([], [], [])


def test_the_csv_lists_the_months_tasks_with_formulas_neutralised(app, client, march):
    org, cio, _, tasks = march
    for task, title in zip(
        (tasks["r1"], tasks["r2"], tasks["r5"], tasks["r6"]),
        ('=HYPERLINK("http://evil.example/","x")', "+1 leads", "-2 bounce", "@SUM(A1)"),
        strict=True,
    ):
        task.title = title
    db.session.commit()
    login(client, cio.email)
    response = client.get("/orgs/acme/reports/monthly.csv?month=2025-03")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    by_id = {int(r["task_id"]): r for r in rows}
    wanted = {tasks[k].id for k in ("r1", "r2", "r3", "r5", "r6", "r7")}
    assert set(by_id) == wanted  # r4 is April's
    assert by_id[tasks["r1"].id]["title"] == '\'=HYPERLINK("http://evil.example/","x")'
    assert by_id[tasks["r2"].id]["title"] == "'+1 leads"
    assert by_id[tasks["r5"].id]["title"] == "'-2 bounce"
    assert by_id[tasks["r6"].id]["title"] == "'@SUM(A1)"
    assert by_id[tasks["r3"].id]["title"] == "Compress images"
    assert by_id[tasks["r1"].id]["days_to_done"] == "10"
    assert by_id[tasks["r1"].id]["in_this_month"] == "filed done"
    assert by_id[tasks["r7"].id]["in_this_month"] == "late"
    assert by_id[tasks["r5"].id]["in_this_month"] == "filed late"


def test_the_printable_page_shows_the_figures_and_charts(app, client, march):
    _, cio, _, _ = march
    login(client, cio.email)
    page = client.get("/orgs/acme/reports/monthly?month=2025-03")
    assert page.status_code == 200
    assert "<svg" in page.text and "Work in 2025-03 by team" in page.text
    assert "Redirect chains" in page.text  # still late at the end
    assert "+66%" in page.text  # leads against February
    bad = client.get("/orgs/acme/reports/monthly?month=2025-13")
    assert bad.status_code == 422 and "YYYY-MM" in bad.text


def test_impacts_measured_in_the_month_are_listed_with_their_task(app, client):
    from collab.impacts.job import run_impact
    from tests.integration.test_kpi_support import (
        TODAY,
        completed_task,
        daily_series,
        record_series,
    )

    org = make_org("acme")
    cio = make_user(org, "cio")
    first = TODAY - dt.timedelta(days=199)
    record_series(org, "search_ctr", first, daily_series(200, 3.0, step_on=140, step=0.25))
    task = completed_task(org, cio, "meta_tags", first + dt.timedelta(days=140))
    run_impact()
    report = client.get("/api/v1/orgs/acme/reports/monthly", headers=bearer(cio)).json
    impacts = client.get(f"/api/v1/orgs/acme/tasks/{task.id}/impact", headers=bearer(cio)).json
    measured = [i for i in impacts["items"] if i["status"] == "measured"]
    assert report["impacts"] == [{**i, "task_id": task.id} for i in measured]
    assert report["impacts"][0]["verdict"] == "improved"


def test_the_report_is_mailed_once_on_the_first_working_day_from_seven(app, runner, march):
    from sqlalchemy import select

    from collab.models import OutboxEmail
    from collab.reports.mailing import first_working_day, send_monthly_reports

    org, cio, agency, _ = march
    org.created_at = at("2025-01-01T00:00")
    org.alert_holidays = "2025-04-01"  # a local holiday: the first working day is the 2nd
    cio.language = "ru"  # each reader gets it in their own language
    db.session.commit()
    assert first_working_day(dt.date(2025, 3, 1), frozenset()) == dt.date(2025, 3, 3)  # a Saturday
    # 1 April 2025 is a Tuesday, but a holiday here; 2 April 06:30 Berlin is too early.
    assert send_monthly_reports(at("2025-04-01T09:00")) == 0
    assert send_monthly_reports(at("2025-04-02T04:30")) == 0
    assert send_monthly_reports(at("2025-04-02T05:10")) == 1  # 07:10 in Berlin (UTC+2)
    assert send_monthly_reports(at("2025-04-02T06:10")) == 0  # once
    mails = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.to_address)).all()
    assert sorted(m.to_address for m in mails) == sorted([cio.email, agency.email])
    by_reader = {m.to_address: m for m in mails}
    english, russian = by_reader[agency.email], by_reader[cio.email]
    body = english.body
    assert "2025-03" in english.subject
    assert "Recommendations filed: 4" in body and "Tasks done: 3" in body
    assert "Leads: 93 (+66.1%)" in body
    assert "/orgs/acme/reports/monthly?month=2025-03" in body
    assert russian.subject == "collab: " + org.name + ", отчёт за 2025-03"
    assert "Рекомендаций поступило: 4" in russian.body and "Задач выполнено: 3" in russian.body
    assert "/orgs/acme/reports/monthly?month=2025-03" in russian.body
    # A scheduler that was down catches up within the week, once.
    assert send_monthly_reports(at("2025-05-05T08:00")) == 1  # Monday 5 May: April's report
    assert send_monthly_reports(at("2025-05-06T08:00")) == 0
    result = runner.invoke(args=["jobs", "run", "reports"])
    assert result.exit_code == 0 and "monthly reports:" in result.output
