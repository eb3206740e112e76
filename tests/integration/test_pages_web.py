"""What every main page shares: a short plain <title> naming the page and its organisation."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.support.factories import csrf_from, login, make_org, make_recommendation, make_user

NOTE_TITLE = "Why fast pages sell"


class Page(HTMLParser):
    """The parts of a page these tests read."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.tags_in_title: list[str] = []
        self._open: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if self._open == "title":
            self.tags_in_title.append(tag)
        elif tag == "head" or (tag == "title" and self._open == "head"):
            self._open = tag

    def handle_endtag(self, tag):
        if tag == self._open:
            # The page's title is the one in <head>; charts' SVG titles are not.
            self._open = "head" if tag == "title" else None

    def handle_data(self, data):
        if self._open == "title":
            self.title += data


def _world():
    """Two organisations, their people, a filed task and an edited note."""
    acme, beta = make_org("acme"), make_org("beta")
    cio = make_user(acme, "cio")
    make_user(beta, "cmo", email=cio.email)
    agency = make_user(acme, "agency")
    recommendation = make_recommendation(acme, agency, title="Compress catalogue images")
    operator = make_user(admin=True)
    return {"cio": cio, "operator": operator}, recommendation


def _edit_note(client) -> None:
    form = client.get("/orgs/acme/notes/page_speed/edit").text
    base = re.search(r'name="base_version" type="hidden" value="(\d+)"', form).group(1)
    saved = client.post(
        "/orgs/acme/notes/page_speed/edit",
        data={
            "title": NOTE_TITLE,
            "body": "## Why it matters\n\nFaster pages keep visitors.",
            "base_version": base,
            "csrf_token": csrf_from(form),
        },
    )
    assert saved.status_code == 303


def main_pages(recommendation) -> dict[str, str]:
    """Each main page of an organisation, and what its title must say before the org's name."""
    task = recommendation.tasks[0]
    return {
        "/orgs/acme/board": "Board",
        f"/orgs/acme/tasks/{task.id}": "Compress catalogue images",
        f"/orgs/acme/recommendations/{recommendation.id}": "Compress catalogue images",
        "/orgs/acme/recommendations/new": "File a recommendation",
        "/orgs/acme/board/more?status=triage&lane=it&offset=0": "More cards",
        "/orgs/acme/settings/": "Settings",
        "/orgs/acme/people/": "People",
        "/orgs/acme/notifications/": "Notifications",
        "/orgs/acme/notes/": "Training notes",
        "/orgs/acme/notes/mine": "My training",
        "/orgs/acme/notes/page_speed": NOTE_TITLE,
        "/orgs/acme/notes/page_speed/edit": f"Edit: {NOTE_TITLE}",
        "/orgs/acme/notes/page_speed/diff": f"Changes: {NOTE_TITLE}",
        "/orgs/acme/kpis/": "KPIs",
        "/orgs/acme/kpis/import": "Import KPIs",
        "/orgs/acme/kpis/grid": "KPIs by month",
        "/orgs/acme/kpis/map": "What each kind of work should move",
    }


def test_every_main_page_has_a_short_plain_title_naming_it_and_the_organisation(app, client):
    people, recommendation = _world()
    login(client, people["cio"].email)
    _edit_note(client)
    expected = {path: f"{name} · Acme · collab" for path, name in main_pages(recommendation).items()}
    expected |= {"/": "Your organisations · collab", "/profile/": "Your profile · collab"}
    operator = app.test_client()
    login(operator, people["operator"].email)
    stranger = app.test_client()
    for who, path, title in [
        *((client, path, title) for path, title in expected.items()),
        (operator, "/admin/", "Operations · collab"),
        (stranger, "/login", "Sign in · collab"),
    ]:
        response = who.get(path)
        assert response.status_code == 200, path
        page = Page(response.text)
        assert page.tags_in_title == [] and "<" not in page.title, (path, page.title)
        assert page.title == title, path
        assert len(page.title) <= 120, path


def test_the_settings_title_holds_no_form_and_the_alerts_form_shows_once(client):
    people, _ = _world()
    login(client, people["cio"].email)
    html = client.get("/orgs/acme/settings/").text
    assert Page(html).title == "Settings · Acme · collab"
    head, _, body = html.partition("</head>")
    assert "alert_policy" not in head and "/settings/alerts" not in head
    assert body.count('action="/orgs/acme/settings/alerts"') == 1
