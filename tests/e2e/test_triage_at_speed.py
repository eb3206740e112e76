"""In Chromium: a director triages from the board's cards, selects a whole lane, and the
filters apply as they are changed."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.support.factories import make_org, make_recommendation, make_user, membership


def test_a_director_triages_from_the_cards_and_filters_as_they_change(live_server, page):
    base = live_server.url
    with live_server.app.app_context():
        from collab.platform.extensions import db
        from collab.work.tasks import update_task

        org = make_org("acme")
        cio = make_user(org, "cio", email="cio@acme.example")
        agency = make_user(org, "agency", email="am@agency.example")
        for title in ("Compress hero images", "Buy links from a directory"):
            make_recommendation(org, agency, title=f"{title}: fix 404 pages")
        for i in range(2):
            task = make_recommendation(org, agency, title=f"Fix 404 batch {i}").tasks[0]
            update_task(membership(cio, org), task, {"status": "todo"}, task.version)
        db.session.commit()

    sign_in(page, base, "cio@acme.example")
    page.goto(base + "/orgs/acme/board")
    triage = page.get_by_role("list", name="Triage, IT")
    card = triage.locator("li.card", has_text="Buy links")
    card.locator("summary", has_text="Reject").click()
    card.get_by_label("Why not (the agency reads it)").fill("Paid links break the rules.")
    with page.expect_response(re.compile(r"/tasks/\d+/decide$")) as decided:
        card.get_by_role("button", name="Reject").click()
    assert decided.value.status == 200
    expect(triage.locator("li.card", has_text="Buy links")).to_have_count(0)
    expect(page.locator("#board-message")).to_contain_text("is rejected")
    expect(page.locator("#count-triage-it")).to_have_text("1")

    # "Select all" ticks the lane's cards in place (no reload).
    page.get_by_role("link", name="Select all cards of To do, IT").click()
    expect(page.get_by_role("list", name="To do, IT").locator("input.pick:checked")).to_have_count(
        2
    )
    expect(page).not_to_have_url(re.compile(r"pick="))

    # A filter applies as soon as it is chosen, and stays in the address.
    page.locator("form.filters").get_by_label("Priority").select_option("urgent")
    expect(page).to_have_url(re.compile(r"priority=urgent"))
    expect(page.get_by_text("No task matches these filters")).to_be_visible()
