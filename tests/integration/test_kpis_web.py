"""KPI pages: the dashboard and ledger, CSV upload, the month grid, the metrics map, and the
impact panel on the task page."""

from __future__ import annotations

import datetime as dt
import io
import re

from sqlalchemy import func, select

from collab.impacts.job import run_impact
from collab.impacts.metric_map import category_map, metrics_for
from collab.models.kpis import KpiObservation
from collab.platform.extensions import db
from tests.integration.test_kpi_support import TODAY, completed_task, daily_series, record_series
from tests.support.factories import csrf_from, login, make_org, make_user


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(KpiObservation))


def _signed_in(app, org, role: str = "cmo"):
    user = make_user(org, role)
    client = app.test_client()
    login(client, user.email)
    return client, user


def _upload(client, text: str, filename: str = "kpis.csv"):
    page = client.get("/orgs/acme/kpis/import")
    assert page.status_code == 200
    return client.post(
        "/orgs/acme/kpis/import",
        data={
            "csrf_token": csrf_from(page.text),
            "file": (io.BytesIO(text.encode("utf-8")), filename),
        },
        content_type="multipart/form-data",
    )


def _confirm(client, preview_html: str):
    token = preview_html.split('name="token" value="')[1].split('"')[0]
    return client.post(
        "/orgs/acme/kpis/import/confirm",
        data={"csrf_token": csrf_from(preview_html), "token": token},
        follow_redirects=True,
    )


def _days(*offsets: int) -> list[str]:
    return [(TODAY - dt.timedelta(days=o)).isoformat() for o in offsets]


def test_long_csv_previews_then_imports_and_reimports_idempotently(app):
    org = make_org("acme")
    client, _ = _signed_in(app, org, "agency")
    d1, d2 = _days(3, 2)
    text = (
        "date,metric,value,channel\n"
        f"{d1},leads,12,organic\n{d1},leads,4,email\n{d2},spend,1250.50,paid_search\n"
    )
    preview = _upload(client, text)
    assert preview.status_code == 200
    assert "3</strong> daily figures" in preview.text
    assert "add <strong>3</strong> new figures" in preview.text
    assert _count() == 0  # a preview writes nothing

    done = _confirm(client, preview.text)
    assert done.status_code == 200
    assert "Imported kpis.csv: 3 new, 0 updated, 0 unchanged." in done.text
    assert _count() == 3

    again = _confirm(client, _upload(client, text).text)
    assert "Imported kpis.csv: 0 new, 0 updated, 3 unchanged." in again.text
    assert _count() == 3


def test_wide_csv_with_semicolons_and_decimal_commas(app):
    org = make_org("acme")
    client, _ = _signed_in(app, org, "cio")
    d1, d2 = _days(2, 1)
    text = f"date;leads;spend;search_ctr\n{d1};10;1 200,50;2,5%\n{d2};11;;2,7\n"
    preview = _upload(client, text)
    assert preview.status_code == 200, preview.text
    _confirm(client, preview.text)
    stored = dict(
        db.session.execute(
            select(KpiObservation.metric, func.sum(KpiObservation.value)).group_by(
                KpiObservation.metric
            )
        ).all()
    )
    assert stored == {"leads": 21.0, "spend": 1200.5, "search_ctr": 5.2}


def test_bad_file_lists_every_row_error_and_writes_nothing(app):
    org = make_org("acme")
    client, _ = _signed_in(app, org, "cmo")
    d1, d2 = _days(2, 1)
    future = (TODAY + dt.timedelta(days=5)).isoformat()
    text = (
        "date,metric,value,channel\n"
        f"{d1},leads,12,organic\n"
        f"{d1},leads,abc,email\n"
        f"31.02.2026,leads,1,\n"
        f"{d2},visits,1,\n"
        f"{future},leads,1,\n"
        f"{d2},spend,-10,\n"
        f"{d1},leads,13,organic\n"
        "<script>alert(1)</script>,leads,1,\n"
    )
    response = _upload(client, text)
    assert response.status_code == 422
    page = response.text
    for where in (
        "line 3, value",
        "line 4, date",
        "line 6, date",
        "line 7, value",
        "line 8",
        "line 9, date",
    ):
        assert f"<strong>{where}</strong>" in page, where
    assert "duplicate of line 2" in page
    assert "<script>alert(1)" not in page
    assert _count() == 0

    empty = _upload(client, "")
    assert empty.status_code == 422
    page = client.get("/orgs/acme/kpis/import")
    binary = client.post(
        "/orgs/acme/kpis/import",
        data={"csrf_token": csrf_from(page.text), "file": (io.BytesIO(b"\x98\x00"), "a.xlsx")},
        content_type="multipart/form-data",
    )
    assert binary.status_code == 422  # said on the form, beside the file field
    assert "a.xlsx: this is not a text file collab can read" in binary.text
    assert "save or download it as CSV" in binary.text
    header_only = _upload(client, "date,leads\n")
    assert header_only.status_code == 422 and "no data rows" in header_only.text


def test_staff_cannot_import_but_can_read_the_dashboard(app):
    org = make_org("acme")
    client, _ = _signed_in(app, org, "it")
    assert client.get("/orgs/acme/kpis/import").status_code == 403
    assert client.get("/orgs/acme/kpis/grid").status_code == 403
    page = client.get("/orgs/acme/kpis/")
    assert page.status_code == 200
    assert "No KPIs yet" in page.text
    assert "Import a file" not in page.text


def test_dashboard_charts_markers_and_ledger(app):
    org = make_org("acme")
    client, director = _signed_in(app, org, "cmo")
    days = 400
    first = TODAY - dt.timedelta(days=days - 1)
    changed_index = days - 60
    changed = first + dt.timedelta(days=changed_index)
    leads = daily_series(days, level=20, step_on=changed_index, step=0.4, seed=3)
    record_series(org, "leads", first, leads, channel="organic")
    record_series(org, "leads", first, leads / 2, channel="email")
    record_series(org, "spend", first, [300.0] * days, channel="organic")
    record_series(org, "revenue", first, [900.0] * days)
    record_series(org, "conversion_rate", first, daily_series(days, level=2.0, seed=4))
    task = completed_task(
        org, director, "landing_copy", changed, title="Rewrite <b>pricing</b> copy"
    )
    run_impact()
    db.session.commit()

    page = client.get("/orgs/acme/kpis/?days=365")
    assert page.status_code == 200
    html = page.text
    assert html.count('<figure class="chart">') == 3
    assert "Leads per week" in html and "Cost per lead, by week" in html and "ROMI" in html
    # Each channel named at its line's end, with its last week's figure.
    assert re.search(r'class="end-label"[^>]*>organic<tspan[^>]*>[\d,.]+</tspan>', html)
    assert re.search(r'class="end-label"[^>]*>email<tspan', html)
    assert f"#{task.id} Rewrite &lt;b&gt;pricing&lt;/b&gt; copy" in html  # a marker, escaped
    assert "<b>pricing</b>" not in html
    ledger = html.split('id="ledger-h"')[1]
    assert "Leads" in ledger or "leads" in ledger
    assert 'class="verdict-improved"' in ledger
    assert "measured impacts" in ledger


def test_dashboard_draws_the_channels_that_bring_the_leads_in_one_colour_each(app):
    org = make_org("acme")
    client, _ = _signed_in(app, org, "cmo")
    first = TODAY - dt.timedelta(days=59)
    daily_leads = {"email": 2, "organic": 9, "paid": 6, "social": 1, "events": 4}
    for channel, leads in daily_leads.items():
        record_series(org, "leads", first, [leads] * 60, channel=channel)
        record_series(org, "spend", first, [100.0] * 60, channel=channel)

    html = client.get("/orgs/acme/kpis/?days=90").text
    leads_chart, cost_chart = html.split('<figure class="chart">')[1:3]

    def drawn(chart):
        wide = chart.split('class="chart-svg chart-narrow"')[0]
        return re.findall(r'class="end-label"[^>]*fill="(#\w+)"[^>]*>([^<]+)<tspan', wide)

    # All channels together, then the three with the most leads; the other two in words.
    assert [name for _, name in drawn(leads_chart)] == ["all channels", "organic", "paid", "events"]
    assert "Not drawn, to keep the chart readable: email" in leads_chart
    assert "social" in leads_chart.split("Not drawn")[1]
    # A channel keeps its colour from chart to chart.
    assert dict((name, color) for color, name in drawn(leads_chart)) == dict(
        (name, color) for color, name in drawn(cost_chart)
    )


def test_month_grid_saves_all_or_nothing(app):
    org = make_org("acme")
    client, _ = _signed_in(app, org, "cio")
    month = TODAY.replace(day=1)
    url = f"/orgs/acme/kpis/grid?month={month:%Y-%m}&channel=email"
    page = client.get(url)
    assert page.status_code == 200
    day = month.isoformat()
    saved = client.post(
        "/orgs/acme/kpis/grid",
        data={
            "csrf_token": csrf_from(page.text),
            "month": f"{month:%Y-%m}",
            "channel": "email",
            f"v|leads|{day}": "12",
            f"v|spend|{day}": "1 250,5",
            f"v|search_ctr|{day}": "",
        },
        follow_redirects=True,
    )
    assert saved.status_code == 200
    assert "Saved: 2 new, 0 changed." in saved.text
    assert 'value="1250.5"' in saved.text

    refused = client.post(
        "/orgs/acme/kpis/grid",
        data={
            "csrf_token": csrf_from(saved.text),
            "month": f"{month:%Y-%m}",
            "channel": "email",
            f"v|leads|{day}": "13",
            f"v|spend|{day}": "lots",
        },
    )
    assert refused.status_code == 422
    assert f"spend {day}" in refused.text and "not a number" in refused.text
    assert 'value="lots"' in refused.text  # what was typed stays in the cell
    leads = db.session.scalar(select(KpiObservation.value).where(KpiObservation.metric == "leads"))
    assert leads == 12.0


def test_directors_edit_the_metrics_map(app):
    org = make_org("acme")
    client, _ = _signed_in(app, org, "cmo")
    page = client.get("/orgs/acme/kpis/map")
    assert page.status_code == 200
    assert metrics_for(org, "meta_tags") == ("search_ctr", "organic_sessions")
    form = {"csrf_token": csrf_from(page.text)}
    for category, metrics in category_map(org).items():
        if category != "uncategorised":
            form[f"m|{category}"] = list(metrics)
    form["m|meta_tags"] = ["search_ctr", "leads"]
    saved = client.post("/orgs/acme/kpis/map", data=form, follow_redirects=True)
    assert "Saved 1 change" in saved.text
    assert metrics_for(org, "meta_tags") == ("search_ctr", "leads")

    added = client.post(
        "/orgs/acme/kpis/map/metrics",
        data={"csrf_token": csrf_from(saved.text), "name": "demo_requests", "unit": "count"},
        follow_redirects=True,
    )
    assert "Added the metric demo_requests" in added.text
    form["csrf_token"] = csrf_from(added.text)
    form["reset|meta_tags"] = "1"
    form["m|page_speed"] = ["lcp_ms", "demo_requests"]
    client.post("/orgs/acme/kpis/map", data=form)
    assert metrics_for(org, "meta_tags") == ("search_ctr", "organic_sessions")
    assert metrics_for(org, "page_speed") == ("lcp_ms", "demo_requests")

    staff, _ = _signed_in(app, org, "it")
    view = staff.get("/orgs/acme/kpis/map")
    assert view.status_code == 200 and "Save the map" not in view.text
    refused = staff.post("/orgs/acme/kpis/map", data={"csrf_token": csrf_from(view.text)})
    assert refused.status_code == 403


def test_task_page_shows_charts_and_the_impact_table(app):
    org = make_org("acme")
    client, director = _signed_in(app, org, "cio")
    days = 420
    first = TODAY - dt.timedelta(days=days - 1)
    changed_index = days - 50
    changed = first + dt.timedelta(days=changed_index)
    record_series(
        org, "lcp_ms", first, daily_series(days, 3000, step_on=changed_index, step=-0.3, seed=9)
    )
    task = completed_task(org, director, "page_speed", changed)
    page = client.get(f"/orgs/acme/tasks/{task.id}")
    assert page.status_code == 200
    html = page.text.split('id="impact-h"')[1]
    assert html.count('<figure class="chart">') == 3  # one per linked metric, with or without data
    assert "before window" in html and "after window" in html
    assert f"task #{task.id} completed" in html
    assert 'class="verdict-improved"' in html  # a lower LCP is better
    assert "waiting for data (0 of 28 days)" in html

    open_task = completed_task(org, director, "meta_tags", changed)
    from collab.work.tasks import update_task
    from tests.support.factories import membership

    update_task(membership(director, org), open_task, {"status": "in_progress"}, open_task.version)
    db.session.commit()
    pending = client.get(f"/orgs/acme/tasks/{open_task.id}").text
    assert "Once done, this task is measured against search click-through rate" in pending


def test_an_organisations_own_metric_keeps_its_unit_on_the_task_chart(app):
    import re

    from collab.impacts.metric_map import set_metrics_for
    from collab.kpis.custom_metrics import define_metric
    from tests.support.factories import membership

    org = make_org("acme")
    client, director = _signed_in(app, org, "cmo")
    actor = membership(director, org)
    define_metric(actor, org, "form_completion", "percent", lower_is_better=False)
    set_metrics_for(actor, org, "landing_copy", ["form_completion"])
    days = 120
    first = TODAY - dt.timedelta(days=days - 1)
    record_series(org, "form_completion", first, daily_series(days, level=35.0, seed=5))
    task = completed_task(org, director, "landing_copy", first + dt.timedelta(days=80))

    html = client.get(f"/orgs/acme/tasks/{task.id}").text.split('id="impact-h"')[1]
    assert "form completion, 90 days around completion" in html
    ticks = re.findall(r'text-anchor="end"[^>]*>([^<]+)</text>', html)
    assert ticks and all(tick.endswith("%") for tick in ticks)


def test_pasted_lines_that_fail_come_back_to_be_fixed(app):
    org = make_org("acme")
    client, _ = _signed_in(app, org, "cmo")
    (d1,) = _days(1)
    pasted = f"date,metric,value\n{d1},leads,12\n{d1},leads,twelve\n"
    page = client.get("/orgs/acme/kpis/import")
    refused = client.post(
        "/orgs/acme/kpis/import", data={"csrf_token": csrf_from(page.text), "text": pasted}
    )
    assert refused.status_code == 422
    assert "<strong>line 3, value</strong>" in refused.text
    textarea = refused.text.split('<textarea id="kpi-text"', 1)[1].split("</textarea>", 1)[0]
    assert textarea.split(">", 1)[1] == pasted
    assert "Fix these in the lines below" in refused.text
    assert _count() == 0
