"""In Chromium, keyboard only: a director triages three cards (j/k between them, their
checkboxes, "/" to the search and on to the triage buttons), takes one with "a", opens it
with Enter; "?" lists the keys in a dialog that Escape closes."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.support.factories import make_org, make_recommendation, make_user

TITLES = ("Compress images on the catalogue", "Fix broken links", "Compress images of the blog")


def _world(app) -> list[int]:
    from collab.platform.extensions import db

    with app.app_context():
        org = make_org("acme")
        make_user(org, "cio", email="cio@acme.example")
        agency = make_user(org, "agency", email="am@agency.example")
        ids = [make_recommendation(org, agency, title=title).tasks[0].id for title in TITLES]
        db.session.commit()
        return ids


def _focused_card(page, task_id: int):
    expect(page.locator(f"#card-{task_id} .card-title")).to_be_focused()


def test_keyboard_only_triage_of_three_cards(live_server, page):
    ids = _world(live_server.app)
    sign_in(page, live_server.url, "cio@acme.example")
    page.goto(live_server.url + "/orgs/acme/board")
    keys = page.keyboard

    keys.press("?")
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(shortcuts).to_be_visible()
    expect(shortcuts).to_contain_text("Assign the card to me")
    keys.press("Escape")
    expect(shortcuts).to_be_hidden()

    # j goes down the cards, each card's checkbox is one Shift+Tab away.
    for task_id in ids:
        keys.press("j")
        _focused_card(page, task_id)
        keys.press("Shift+Tab")
        expect(page.locator(f"#card-{task_id} input.pick")).to_be_focused()
        keys.press("Space")
        expect(page.locator(f"#card-{task_id} input.pick")).to_be_checked()
    keys.press("k")
    _focused_card(page, ids[1])

    # "/" is the search; the triage buttons follow it.
    keys.press("/")
    expect(page.get_by_label("Text")).to_be_focused()
    accept = page.get_by_role("button", name="Accept", exact=True)
    for _ in range(5):
        keys.press("Tab")
        if accept.evaluate("button => button === document.activeElement"):
            break
    expect(accept).to_be_focused()
    keys.press("Enter")
    expect(page.locator("main .flash").first).to_contain_text("3 task(s) updated")
    page.wait_for_load_state()  # the keys work once the page's scripts have run
    todo = page.get_by_role("list", name="To do, IT")
    expect(todo.locator("li.card")).to_have_count(3)
    expect(page.locator("#count-triage")).to_have_text("0")

    # "a" takes the focused card, and Enter opens it.
    keys.press("j")
    _focused_card(page, ids[0])
    # The change comes back to this board too (the live update re-renders the lane): the
    # focus stays with the card.
    with (
        # The lane asks for the three cards it shows ("todo:it@3"), so it keeps them.
        page.expect_response(re.compile(r"/board/lanes\?lanes=todo(:|%3A)it(@|%40)3$")),
        page.expect_response(re.compile(r"/move$")) as moved,
    ):
        keys.press("a")
    assert moved.value.status == 200
    expect(page.locator(f"#card-{ids[0]} .assignee .name")).to_have_text("cio")
    expect(page.locator("#board-message")).to_have_text(f"“{TITLES[0]}” is assigned to cio.")
    _focused_card(page, ids[0])
    keys.press("Enter")
    expect(page).to_have_url(re.compile(rf"/orgs/acme/tasks/{ids[0]}$"))
    expect(page.get_by_role("heading", name=TITLES[0])).to_be_visible()
