"""In Chromium: every main page at a phone's 390 px without sideways scrolling, a header that
folds away, the board one column at a time; words too long for any line wrap instead of
stretching pages; the skip link moves focus; the tab shows collab's icon."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

PHONE = {"width": 390, "height": 844}
LONG_WORD = "Ы" * 40 + "x" * 160  # one unbroken 200-character word
PAGES = (
    "/orgs/techsoft/board",
    "/orgs/techsoft/board?done=all",
    "/orgs/techsoft/tasks/{task}",
    "/orgs/techsoft/recommendations/{recommendation}",
    "/orgs/techsoft/recommendations/new",
    "/orgs/techsoft/kpis/",
    "/orgs/techsoft/kpis/import",
    "/orgs/techsoft/kpis/grid",
    "/orgs/techsoft/kpis/map",
    "/orgs/techsoft/reports/monthly",
    "/orgs/techsoft/notes/",
    "/orgs/techsoft/notes/mine",
    "/orgs/techsoft/notes/broken_links",
    "/orgs/techsoft/notes/broken_links/edit",
    "/orgs/techsoft/notes/broken_links/diff",
    "/orgs/techsoft/notifications/",
    "/orgs/techsoft/people/",
    "/orgs/techsoft/settings/",
    "/orgs/techsoft/audit/",
    "/profile/",
    "/",
    "/no-such-page",
)
WIDEST = """() => {
  const wide = [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > innerWidth + 1 && e.checkVisibility())
    .filter((e) => !e.closest(".kpi-grid"));  // the month grid scrolls inside its own box
  const named = wide.slice(0, 3).map((e) => e.outerHTML.slice(0, 80));
  return [document.documentElement.scrollWidth, named];
}"""


@pytest.fixture
def demo(live_server):
    """The demo organisations (every kind of page has something on it), and a recommendation
    whose title, description, URL and comment are one long word each."""
    from collab.accounts.people import user_by_email
    from collab.demo.seed import seed_demo
    from collab.models import Organization
    from collab.platform.extensions import db
    from collab.work.conversation import add_comment
    from tests.support.factories import make_recommendation, membership

    with live_server.app.app_context():
        seed_demo()
        org = db.session.query(Organization).filter_by(slug="techsoft").one()
        recommendation = make_recommendation(
            org,
            user_by_email("account@webpartners.example"),
            title=LONG_WORD,
            description=LONG_WORD,
            urls=["https://techsoft.example/" + LONG_WORD],
        )
        task = recommendation.tasks[0]
        add_comment(membership(user_by_email("cio@techsoft.example"), org), task, LONG_WORD)
        db.session.commit()
        return {"task": task.id, "recommendation": recommendation.id}


def _sign_in(page, base, email="cio@techsoft.example"):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("collab-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator('form[action="/logout"]')).to_be_attached()  # folded away on a phone


@pytest.mark.parametrize(
    "email", ["cio@techsoft.example", "dev@techsoft.example", "account@webpartners.example"]
)
def test_every_main_page_fits_a_phone(live_server, browser, demo, email):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    _sign_in(page, live_server.url, email)
    for path in (*PAGES, "/login"):
        page.goto(live_server.url + path.format(**demo))
        width, wide = page.evaluate(WIDEST)
        assert width <= PHONE["width"], (path, width, wide)
        assert wide == [], (path, wide)
    context.close()


def test_on_a_phone_the_header_folds_and_the_board_shows_one_column(live_server, browser, demo):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    _sign_in(page, live_server.url)
    page.goto(live_server.url + "/orgs/techsoft/board")
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    expect(main_nav).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    main_nav.get_by_role("link", name="KPIs").click()
    expect(page).to_have_url(live_server.url + "/orgs/techsoft/kpis/")

    page.goto(live_server.url + "/orgs/techsoft/board")
    columns = page.get_by_role("navigation", name="Columns")
    columns.get_by_role("link", name="Done").click()
    expect(page.locator("#column-done")).to_be_visible()
    for other in ("triage", "todo", "in_progress", "review"):
        expect(page.locator(f"#column-{other}")).to_be_hidden()
    columns.get_by_role("link", name="To do").click()
    expect(page.locator("#column-todo")).to_be_visible()
    expect(page.locator("#column-done")).to_be_hidden()
    context.close()


def test_a_long_word_wraps_instead_of_stretching_the_page(live_server, page, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server.url)
    for path in (
        "/orgs/techsoft/recommendations/{recommendation}",
        "/orgs/techsoft/tasks/{task}",
        "/orgs/techsoft/board",
    ):
        page.goto(live_server.url + path.format(**demo))
        width, wide = page.evaluate(WIDEST)
        assert width <= 1280 and wide == [], (path, width, wide)
    # On the board the card stays inside its column, and the columns keep their share.
    card = page.locator(f"#card-{demo['task']}")
    column = page.locator("#column-triage")
    card_box, column_box = card.bounding_box(), column.bounding_box()
    assert card_box["x"] + card_box["width"] <= column_box["x"] + column_box["width"] + 1
    widths = [page.locator(f"#column-{s}").bounding_box()["width"] for s in ("triage", "done")]
    assert abs(widths[0] - widths[1]) < 2


def test_the_skip_link_moves_focus_to_the_content(live_server, page):
    from tests.support.factories import make_org, make_user

    with live_server.app.app_context():
        make_user(make_org("acme"), "cio", email="cio@acme.example")
    sign_in(page, live_server.url, "cio@acme.example")
    page.goto(live_server.url + "/orgs/acme/board")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")  # and the next stop is inside the content, not the header
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_the_tab_shows_collabs_icon(live_server, page):
    page.goto(live_server.url + "/login")
    href = page.locator('link[rel="icon"]').get_attribute("href")
    icon = page.request.get(live_server.url + href)
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in icon.text()
