"""In Chromium: the agency drops a Lighthouse report, previews and confirms; the CIO finds
the routed recommendations on the board; a later report verifies one of them fixed."""

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, sign_out
from tests.support.audits import lighthouse
from tests.support.factories import make_org, make_user


def _report(name: str, body: bytes) -> dict:
    return {"name": name, "mimeType": "application/json", "buffer": body}


def test_agency_imports_cio_sees_the_work_a_later_report_verifies_it(live_server, page):
    base = live_server.url
    with live_server.app.app_context():
        org = make_org("acme")
        make_user(org, "cio", email="cio@acme.example")
        make_user(org, "cmo", email="cmo@acme.example")
        make_user(org, "agency", email="am@agency.example")

    # The agency drops the report, reads the preview, confirms.
    sign_in(page, base, "am@agency.example")
    page.get_by_role("link", name="Site audits").click()
    page.get_by_label("Audit files").set_input_files([_report("home.json", lighthouse())])
    page.get_by_role("button", name="Check and preview").click()
    expect(page.get_by_role("heading", name="Preview: home.json")).to_be_visible()
    new = page.get_by_role("region", name="New recommendations")
    https = new.get_by_role("row").filter(has_text="Does not use HTTPS")
    expect(https).to_contain_text("IT · Technical SEO")
    expect(https).to_contain_text("is-on-https")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported: ")).to_be_visible()
    expect(page.get_by_role("heading", name="New recommendations")).to_be_visible()
    sign_out(page)

    # The CIO finds them routed on the board, one card per issue, not per URL.
    sign_in(page, base, "cio@acme.example")
    page.goto(base + "/orgs/acme/board")
    triage_it = page.get_by_role("list", name="Triage, IT")
    expect(triage_it.get_by_role("link", name="Does not use HTTPS")).to_be_visible()
    triage_marketing = page.get_by_role("list", name="Triage, Marketing")
    expect(
        triage_marketing.get_by_role("link", name="Document does not have a meta description")
    ).to_be_visible()
    triage_it.get_by_role("link", name="Does not use HTTPS").click()
    expect(page.get_by_text("What the audit found here")).to_be_visible()
    task_url = page.url

    # A later report no longer finds the HTTPS issue: it is verified fixed.
    page.get_by_role("link", name="Site audits").click()
    later = lighthouse("2026-05-20T08:00:00Z", passing=("is-on-https",))
    page.get_by_label("Audit files").set_input_files([_report("later.json", later)])
    page.get_by_role("button", name="Check and preview").click()
    fixed = page.get_by_role("region", name="No longer found: verified fixed")
    expect(fixed).to_contain_text("Does not use HTTPS")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Verified fixed: no longer found (1)")).to_be_visible()
    page.goto(task_url)
    expect(page.get_by_text("verified by the audit of 2026-05-20")).to_be_visible()
