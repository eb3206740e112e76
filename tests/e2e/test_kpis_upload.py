"""In Chromium: the agency uploads a CSV, fixes a bad row, previews, imports, sees the charts."""

import datetime as dt

from playwright.sync_api import expect

from tests.support.factories import PASSWORD, make_org, make_user


def _csv(rows: list[str]) -> dict:
    text = "date,leads,spend,channel\n" + "\n".join(rows) + "\n"
    return {"name": "kpis.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_agency_imports_a_csv_and_sees_the_dashboard(live_server, page):
    with live_server.app.app_context():
        org = make_org("acme")
        make_user(org, "agency", email="am@agency.example")
    today = dt.date.today()
    days = [(today - dt.timedelta(days=i)).isoformat() for i in range(30)]

    page.goto(live_server.url + "/login")
    page.get_by_label("E-mail").fill("am@agency.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(live_server.url + "/orgs/acme/kpis/import")
    page.get_by_label("CSV file").set_input_files(_csv([f"{days[0]},ten,100,organic"]))
    page.get_by_role("button", name="Check and preview").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("line 2, leads")
    expect(alert).to_contain_text("not a number")

    rows = [f"{d},{10 + i % 3},{200 + i},organic" for i, d in enumerate(days)]
    page.get_by_label("CSV file").set_input_files(_csv(rows))
    page.get_by_role("button", name="Check and preview").click()
    expect(page.get_by_text("The file is clean")).to_be_visible()
    page.get_by_role("button", name="Import 60 observations").click()
    expect(page.get_by_text("Imported: 60 new, 0 updated, 0 unchanged.")).to_be_visible()
    expect(page.get_by_role("img", name="Leads per week")).to_be_visible()
    expect(page.get_by_role("img", name="Cost per lead, by week")).to_be_visible()
