"""In Chromium, under a Content-Security-Policy with no 'unsafe-inline' and no 'unsafe-eval':
pages, htmx swaps and drag and drop run without the browser refusing anything."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.support.factories import make_org, make_recommendation, make_user

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
# Every refusal the page meets, as the browser reports it to the page itself.
LISTEN = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__refused.push(`${e.violatedDirective} ${e.blockedURI || "inline"} ${e.sourceFile}`);
});
"""


def _strict(app) -> None:
    @app.after_request
    def policy(response):
        # The app's own policy, once it sends one, is the one that counts.
        response.headers.setdefault("Content-Security-Policy", STRICT)
        return response


def test_pages_htmx_and_drag_and_drop_need_no_inline_script_or_style(live_server, page):
    base = live_server.url
    _strict(live_server.app)
    with live_server.app.app_context():
        org = make_org("acme")
        make_user(org, "cio", email="cio@acme.example")
        agency = make_user(org, "agency", email="am@agency.example")
        task = make_recommendation(org, agency, title="Compress catalogue images").tasks[0]
    page.add_init_script(LISTEN)

    sign_in(page, base, "cio@acme.example")
    for path in ("/orgs/acme/kpis/", "/orgs/acme/notes/page_speed", f"/orgs/acme/tasks/{task.id}"):
        response = page.goto(base + path)
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("window.__refused") == [], path

    # The task's note is marked read with an htmx swap.
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_text("You have read this version of the note")).to_be_visible()
    assert page.evaluate("window.__refused") == []

    # On the board, a card is dragged from triage to "To do": Sortable and htmx at work.
    page.goto(base + "/orgs/acme/board")
    card = page.get_by_role("list", name="Triage, IT").locator("li.card").first
    todo = page.get_by_role("list", name="To do, IT")
    with page.expect_response(re.compile(r"/tasks/\d+/move$")) as moved:
        card.drag_to(todo)
    assert moved.value.status == 200
    expect(todo.locator("li.card")).to_contain_text("Compress catalogue images")
    assert page.evaluate("window.__refused") == []

    # And the listener does hear a refusal: an inline style is one.
    page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>p {}</style>')")
    page.wait_for_function("window.__refused.length > 0")
