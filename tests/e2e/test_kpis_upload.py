"""In Chromium: the agency uploads a CSV, fixes a bad row, previews, imports, sees the charts;
then Search Console's ZIP as downloaded, and a GA4 export whose unmapped column it maps."""

import datetime as dt

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.support.factories import make_org, make_user
from tests.support.kpi_exports import fixture, search_console_zip

FILE = "The file, as the tool wrote it"


def _csv(rows: list[str]) -> dict:
    text = "date,leads,spend,channel\n" + "\n".join(rows) + "\n"
    return {"name": "kpis.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_agency_imports_a_csv_and_sees_the_dashboard(live_server, page):
    with live_server.app.app_context():
        org = make_org("acme")
        make_user(org, "agency", email="am@agency.example")
    today = dt.date.today()
    days = [(today - dt.timedelta(days=i)).isoformat() for i in range(30)]
    sign_in(page, live_server.url, "am@agency.example")

    page.goto(live_server.url + "/orgs/acme/kpis/import")
    page.get_by_label(FILE).set_input_files(_csv([f"{days[0]},ten,100,organic"]))
    page.get_by_role("button", name="Check and preview").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("line 2, leads")
    expect(alert).to_contain_text("not a number")

    rows = [f"{d},{10 + i % 3},{200 + i},organic" for i, d in enumerate(days)]
    page.get_by_label(FILE).set_input_files(_csv(rows))
    page.get_by_role("button", name="Check and preview").click()
    expect(page.get_by_text("60 daily figures")).to_be_visible()
    page.get_by_role("button", name="Import 60 figures").click()
    expect(page.get_by_text("Imported kpis.csv: 60 new, 0 updated, 0 unchanged.")).to_be_visible()
    expect(page.get_by_role("img", name="Leads per week")).to_be_visible()
    expect(page.get_by_role("img", name="Cost per lead, by week")).to_be_visible()
    headlines = page.get_by_role("list", name="Headline numbers, all channels together")
    expect(headlines).to_contain_text("leads")
    expect(headlines).to_contain_text("$")


def test_agency_uploads_search_consoles_zip_and_maps_a_ga4_column(live_server, page):
    with live_server.app.app_context():
        org = make_org("acme")
        make_user(org, "agency", email="seo@agency.example")
    sign_in(page, live_server.url, "seo@agency.example")

    page.goto(live_server.url + "/orgs/acme/kpis/import")
    zipped = {
        "name": "performance-on-search-2025-12-28.zip",
        "mimeType": "application/zip",
        "buffer": search_console_zip(),
    }
    page.get_by_label(FILE).set_input_files(zipped)
    page.get_by_role("button", name="Check and preview").click()
    preview = page.get_by_role("heading", name="Preview: performance-on-search-2025-12-28.zip")
    expect(preview).to_be_visible()
    expect(page.get_by_text("Search Console", exact=True)).to_be_visible()
    expect(page.get_by_text("2025-11-30 to 2025-12-27")).to_be_visible()
    skipped = page.get_by_role("region", name="Left out, and why")
    expect(skipped).to_contain_text("Queries.csv")
    page.get_by_role("button", name="Import 112 figures").click()
    expect(page.get_by_text("112 new, 0 updated, 0 unchanged.")).to_be_visible()

    page.goto(live_server.url + "/orgs/acme/kpis/import")
    ga4 = {
        "name": "traffic.csv",
        "mimeType": "text/csv",
        "buffer": fixture("ga4_traffic_acquisition_daily.csv"),
    }
    page.get_by_label(FILE).set_input_files(ga4)
    page.get_by_role("button", name="Check and preview").click()
    key_events = page.get_by_role("group", name="Key events")
    key_events.get_by_label("Import as").select_option(label="leads")
    page.get_by_role("button", name="Save these choices and preview again").click()
    expect(page.get_by_text("Saved 1 choice for this kind of file.")).to_be_visible()
    expect(page.get_by_role("group", name="Key events")).to_have_count(0)
    page.get_by_role("button", name="Import 182 figures").click()
    expect(page.get_by_text("Imported traffic.csv")).to_be_visible()

    page.goto(live_server.url + "/orgs/acme/kpis/import")
    remembered = page.get_by_role("region", name="Remembered column choices")
    expect(remembered).to_contain_text("Key events")
