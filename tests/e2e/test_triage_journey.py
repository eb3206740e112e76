"""In Chromium: the agency files, the CIO triages and assigns, the engineer drags the card."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, sign_out
from tests.support.factories import make_org, make_user


def test_agency_files_cio_triages_engineer_drags_to_in_progress(live_server, page):
    base = live_server.url
    with live_server.app.app_context():
        org = make_org("acme")
        make_user(org, "cio", email="cio@acme.example")
        make_user(org, "cmo", email="cmo@acme.example")
        make_user(org, "agency", email="am@agency.example")
        dev = make_user(org, "it", email="dev@acme.example")
        dev.name = "Dana Developer"
        from collab.platform.extensions import db

        db.session.commit()

    # The agency files a recommendation through the form.
    sign_in(page, base, "am@agency.example")
    page.goto(base + "/orgs/acme/recommendations/new")
    page.get_by_label("Title").fill("Fix 1,000+ 404 errors found in the crawl")
    page.get_by_label("Affected URLs, one per line").fill(
        "https://acme.example/old-a\nhttps://acme.example/old-b"
    )
    page.get_by_role("button", name="File it").click()
    expect(
        page.get_by_role("heading", name="Fix 1,000+ 404 errors found in the crawl")
    ).to_be_visible()
    expect(page.get_by_text("broken links, owned by IT")).to_be_visible()
    sign_out(page)

    # The CIO sees it in triage, accepts it to IT and assigns the engineer.
    sign_in(page, base, "cio@acme.example")
    page.goto(base + "/orgs/acme/board")
    triage_it = page.get_by_role("list", name="Triage, IT")
    card = triage_it.get_by_role("link", name="Fix 1,000+ 404 errors found in the crawl")
    expect(card).to_be_visible()
    card.click()
    page.get_by_label("Status").select_option("todo")
    page.get_by_label("Assignee").select_option("dev@acme.example")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_text("Dana Developer", exact=False).first).to_be_visible()
    sign_out(page)

    # The engineer drags the card from To do to In progress.
    sign_in(page, base, "dev@acme.example")
    page.goto(base + "/orgs/acme/board")
    todo = page.get_by_role("list", name="To do, IT")
    doing = page.get_by_role("list", name="In progress, IT")
    card = todo.locator("li.card").first
    expect(card).to_contain_text("Fix 1,000+ 404 errors")
    with page.expect_response(re.compile(r"/tasks/\d+/move$")) as moved:
        card.drag_to(doing)
    assert moved.value.status == 200
    expect(doing.locator("li.card")).to_contain_text("Fix 1,000+ 404 errors")

    page.reload()
    expect(page.get_by_role("list", name="In progress, IT").locator("li.card")).to_contain_text(
        "Fix 1,000+ 404 errors"
    )
    expect(page.get_by_role("list", name="To do, IT").locator("li.card")).to_have_count(0)
