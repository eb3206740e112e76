"""In Chromium, under the app's own Content-Security-Policy (no 'unsafe-inline', no
'unsafe-eval'): every main page, an htmx swap and a drag and drop run without the browser
refusing anything."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.support.factories import make_org, make_recommendation, make_user

PAGES = (
    "/orgs/acme/board",
    "/orgs/acme/tasks/{task}",
    "/orgs/acme/recommendations/{recommendation}",
    "/orgs/acme/recommendations/new",
    "/orgs/acme/kpis/",
    "/orgs/acme/kpis/import",
    "/orgs/acme/kpis/grid",
    "/orgs/acme/kpis/map",
    "/orgs/acme/notes/",
    "/orgs/acme/notes/mine",
    "/orgs/acme/notes/broken_links",
    "/orgs/acme/notes/broken_links/diff",
    "/orgs/acme/notifications/",
    "/orgs/acme/people/",
    "/orgs/acme/settings/",
    "/orgs/acme/audit/",
    "/orgs/acme/audits/",
    "/orgs/acme/audits/settings",
    "/profile/",
    "/no-such-page",
)
# Every refusal the page meets, as the browser reports it to the page itself.
LISTEN = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__refused.push(`${e.violatedDirective} ${e.blockedURI || "inline"} ${e.sourceFile}`);
});
"""


def test_pages_htmx_and_drag_and_drop_need_nothing_the_policy_refuses(live_server, page):
    base = live_server.url
    with live_server.app.app_context():
        org = make_org("acme")
        make_user(org, "cio", email="cio@acme.example")
        agency = make_user(org, "agency", email="am@agency.example")
        recommendation = make_recommendation(org, agency, title="Compress catalogue images")
        ids = {"task": recommendation.tasks[0].id, "recommendation": recommendation.id}
    page.add_init_script(LISTEN)

    sign_in(page, base, "cio@acme.example")
    for path in PAGES:
        response = page.goto(base + path.format(**ids))
        policy = response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        page.wait_for_load_state("load")
        assert page.evaluate("window.__refused") == [], path

    # The task's note is marked read with an htmx swap.
    page.goto(base + "/orgs/acme/tasks/{task}".format(**ids))
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
