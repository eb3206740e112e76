"""The KPI import page with the tools' files: preview (what was recognised, what was left out
and why, a choice for each column no metric takes), confirm, and choices remembered per
organisation and source, here and through the API."""

from __future__ import annotations

import html
import io
import re

from sqlalchemy import func, select

from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.file_imports import mappings_of
from collab.models.kpis import KpiObservation
from collab.platform.extensions import db
from tests.support.factories import bearer, csrf_from, login, make_org, make_user
from tests.support.kpi_exports import fixture, search_console_zip

GA4 = "ga4_traffic_acquisition_daily.csv"


def _count(**where) -> int:
    query = select(func.count()).select_from(KpiObservation)
    for name, value in where.items():
        query = query.where(getattr(KpiObservation, name) == value)
    return db.session.scalar(query)


def _signed_in(app, org, role="agency"):
    client = app.test_client()
    login(client, make_user(org, role).email)
    return client


def _upload(client, data: bytes, name: str, **form):
    page = client.get("/orgs/acme/kpis/import")
    assert page.status_code == 200
    return client.post(
        "/orgs/acme/kpis/import",
        data={"csrf_token": csrf_from(page.text), "file": (io.BytesIO(data), name), **form},
        content_type="multipart/form-data",
    )


def _token(page: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]{32})"', page).group(1)


def _columns(page: str) -> dict[str, str]:
    """Column as written -> its form prefix (col-N)."""
    found = re.findall(r'name="(col-\d+)-column" value="([^"]*)"', page)
    return {html.unescape(column): prefix for prefix, column in found}


def _send(client, preview: str, action: str, choices: dict | None = None, **fields):
    columns = _columns(preview)
    data = {"csrf_token": csrf_from(preview), "token": _token(preview), **fields}
    for column, prefix in columns.items():
        data[f"{prefix}-source"] = re.search(
            rf'name="{prefix}-source" value="([^"]*)"', preview
        ).group(1)
        data[f"{prefix}-column"] = column
    for column, choice in (choices or {}).items():
        prefix = columns[column]
        if isinstance(choice, tuple):  # a new metric: (name, unit, lower is better)
            name, unit, lower = choice
            data.update({f"{prefix}-choice": "new", f"{prefix}-name": name})
            data.update({f"{prefix}-unit": unit, **({f"{prefix}-lower": "1"} if lower else {})})
        else:
            data[f"{prefix}-choice"] = choice
    url = "/orgs/acme/kpis/import/" + ("columns" if action == "apply" else "confirm")
    return client.post(url, data=data, follow_redirects=True)


def test_a_search_console_zip_previews_what_it_recognised_and_skipped_then_imports(app):
    org = make_org("acme")
    client = _signed_in(app, org)
    preview = _upload(client, search_console_zip(), "performance-on-search.zip")
    assert preview.status_code == 200, preview.text
    page = html.unescape(preview.text)
    assert "<dt>Recognised</dt>\n      <dd>Search Console</dd>" in page
    for label in ("search clicks", "search impressions", "search click-through rate"):
        assert label in page
    assert "2025-11-30 to 2025-12-27" in page
    assert "google_organic" in page and "<strong>112</strong> daily figures" in page
    assert "Left out, and why" in page and "Queries.csv" in page
    assert "Columns no metric takes yet" not in page
    assert _count() == 0  # a preview writes nothing

    done = _send(client, preview.text, "import")
    assert "Imported performance-on-search.zip: 112 new, 0 updated, 0 unchanged." in done.text
    assert _count(channel="google_organic") == 112


def test_choices_for_unmapped_columns_are_remembered_and_apply_through_the_api(app, client):
    org = make_org("acme")
    web = _signed_in(app, org, "cmo")
    preview = _upload(web, fixture(GA4), "traffic.csv")
    page = html.unescape(preview.text)
    assert "Columns no metric takes yet" in page
    assert set(_columns(preview.text)) >= {"Key events", "Engagement rate", "Event count"}
    assert 'value="engagement_rate"' in page  # a name offered for a new metric
    assert "leads" not in re.search(r"<dt>Metrics</dt>\s*<dd>([^<]*)</dd>", page).group(1)

    again = _send(
        web,
        preview.text,
        "apply",
        {
            "Key events": "metric:leads",
            "Engagement rate": ("engagement_rate", "percent", False),
            "Event count": "ignore",
        },
    )
    assert again.status_code == 200
    page = html.unescape(again.text)
    assert "Saved 3 choices for this kind of file." in page
    metrics = re.search(r"<dt>Metrics</dt>\s*<dd>([^<]*)</dd>", page).group(1)
    assert "leads" in metrics and "engagement rate" in metrics
    assert "'Event count' ignored, as chosen" in page
    assert not {"Key events", "Engagement rate", "Event count"} & set(_columns(again.text))
    assert metric_definitions(org)["engagement_rate"].unit == "percent"
    assert _count() == 0

    done = _send(web, again.text, "import")
    assert "Imported traffic.csv:" in done.text
    imported = _count()
    assert _count(metric="leads") > 0 and _count(metric="engagement_rate") > 0

    # Through the API: the same file imports the same way, and changes nothing.
    headers = bearer(make_user(org, "agency"))
    answer = client.post(
        "/api/v1/orgs/acme/kpis/files",
        data={"file": (io.BytesIO(fixture(GA4)), "traffic.csv")},
        headers=headers,
        content_type="multipart/form-data",
    ).json
    assert "leads" in answer["metrics"] and "engagement_rate" in answer["metrics"]
    assert (answer["inserted"], answer["updated"], answer["unchanged"]) == (0, 0, imported)

    # The import page lists what it remembers; a choice forgotten is offered again.
    form = web.get("/orgs/acme/kpis/import")
    assert "Remembered column choices" in form.text and "Key events" in form.text
    key_events = next(m for m in mappings_of(org) if m.column_key == "key events")
    forgot = web.post(
        f"/orgs/acme/kpis/import/columns/{key_events.id}/forget",
        data={"csrf_token": csrf_from(form.text)},
        follow_redirects=True,
    )
    assert "offered again with the next file" in forgot.text
    assert "Key events" in _columns(_upload(web, fixture(GA4), "traffic.csv").text)


def test_a_file_nothing_maps_is_kept_and_imports_once_its_columns_are_chosen(app):
    org = make_org("acme")
    client = _signed_in(app, org)
    text = b"date,webinar_signups\n2025-12-01,12\n2025-12-02,9\n"
    preview = _upload(client, text, "events.csv")
    assert preview.status_code == 200
    page = html.unescape(preview.text)
    assert "no column" in page and "webinar_signups" in page
    assert "figures</button>" not in page  # nothing to import until a column is chosen

    bad = _send(
        client, preview.text, "apply", {"webinar_signups": ("Webinar Signups!", "count", 0)}
    )
    assert bad.status_code == 422
    assert "lower-case letters" in html.unescape(bad.text)
    assert "webinar_signups" not in metric_definitions(org) and not mappings_of(org)

    chosen = _send(
        client, preview.text, "apply", {"webinar_signups": ("webinar_signups", "count", False)}
    )
    assert chosen.status_code == 200 and "<strong>2</strong> daily figures" in chosen.text
    assert "Import 2 figures</button>" in chosen.text
    done = _send(client, chosen.text, "import")
    assert "Imported events.csv: 2 new" in done.text
    assert _count(metric="webinar_signups") == 2


def test_choosing_and_importing_in_one_go(app):
    org = make_org("acme")
    client = _signed_in(app, org)
    preview = _upload(client, fixture("collab_wide.csv"), "kpis.csv")
    done = _send(client, preview.text, "import", {"demo_requests": ("demo_requests", "count", 0)})
    assert "Imported kpis.csv: 8 new" in done.text
    assert _count(metric="demo_requests") == 3


def test_the_page_refuses_money_in_another_currency_and_files_without_days(app):
    org = make_org("acme")
    org.currency = "RUB"
    db.session.commit()
    client = _signed_in(app, org)
    ads = _upload(client, fixture("google_ads_campaigns_by_day.csv"), "ads.csv")
    assert ads.status_code == 422
    page = html.unescape(ads.text)
    assert "the amounts in this report are in USD" in page and "RUB (₽, Russian rouble)" in page
    totals = _upload(client, fixture("google_ads_campaign_totals.csv"), "totals.csv")
    assert totals.status_code == 422 and "segment the report by Day" in html.unescape(totals.text)
    assert _count() == 0


def test_staff_may_not_import_or_choose(app):
    org = make_org("acme")
    staff = _signed_in(app, org, "it")
    assert staff.get("/orgs/acme/kpis/import").status_code == 403
    page = staff.get("/orgs/acme/kpis/")
    answer = staff.post(
        "/orgs/acme/kpis/import/columns",
        data={"csrf_token": csrf_from(page.text), "token": "ab" * 16},
    )
    assert answer.status_code == 403
