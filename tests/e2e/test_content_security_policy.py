"""In Chromium: pages render under the strict Content-Security-Policy without the browser
refusing anything, except the inline blocks still listed in tests/support/inline.py."""

import re

from tests.e2e.conftest import sign_in
from tests.support.factories import make_org, make_recommendation, make_user
from tests.support.inline import known_hashes

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
    "/profile/",
    "/no-such-page",
)
HASH = re.compile(r"'(sha256-[A-Za-z0-9+/=]+)'")


def test_pages_need_nothing_the_policy_refuses(live_server, page):
    with live_server.app.app_context():
        org = make_org("acme")
        make_user(org, "cio", email="cio@acme.example")
        agency = make_user(org, "agency", email="am@agency.example")
        recommendation = make_recommendation(org, agency)
        ids = {"task": recommendation.tasks[0].id, "recommendation": recommendation.id}
    refused: list[tuple[str, str]] = []

    def listen(message):
        if "Content Security Policy" in message.text:
            refused.append((page.url, message.text))

    page.on("console", listen)
    sign_in(page, live_server.url, "cio@acme.example")
    for path in PAGES:
        page.goto(live_server.url + path.format(**ids))
        page.wait_for_load_state("load")
    known = known_hashes()
    unexplained = [
        (url, text)
        for url, text in refused
        if not (found := HASH.search(text)) or found.group(1) not in known
    ]
    assert unexplained == []
