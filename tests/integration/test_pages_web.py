"""What every main page shares: a plain <title>, a header worked out for it, no inline code."""

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
    pages = main_pages(recommendation)
    expected = {path: f"{name} · Acme · collab" for path, name in pages.items()}
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


# --- the header: worked out by the web adapter, handed to templates as plain values ------------


class Header(HTMLParser):
    """The main navigation's links (text -> aria-current) and the organisation it names."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.links: dict[str, str | None] = {}
        self.org = ""
        self._in_nav = False
        self._link: tuple[str, str | None] | None = None
        self._org = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "nav" and attributes.get("aria-label") == "Main":
            self._in_nav = True
        elif self._in_nav and tag == "a":
            self._link = ("", attributes.get("aria-current"))
        elif self._in_nav and (tag == "summary" or attributes.get("class") == "org-name"):
            self._org = True

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag == "a" and self._link is not None:
            text, current = self._link
            self.links[" ".join(text.split())] = current
            self._link = None
        elif tag in ("summary", "span"):
            self._org = False

    def handle_data(self, data):
        if self._link is not None:
            self._link = (self._link[0] + data, self._link[1])
        elif self._org:
            self.org += data.strip()


ORG_LINKS = [
    "Board",
    "File a recommendation",
    "KPIs",
    "Training notes",
    "My training",
    "People",
    "Settings",
]


def test_the_header_shows_each_role_the_pages_it_may_open(app, client):
    org = make_org("acme")
    agency = make_recommendation(org, make_user(org, "agency"), title="Compress images").filed_by
    seen = {}
    for role, user in [
        ("agency", agency),
        ("it", make_user(org, "it")),
        ("cmo", make_user(org, "cmo")),
    ]:
        browser = app.test_client()
        login(browser, user.email)
        header = Header(browser.get("/orgs/acme/board").text)
        assert header.org == "Acme"
        seen[role] = [name for name in ORG_LINKS if name in header.links]
        assert header.links["Board"] == "page"  # the page we are on
        unread = [name for name in header.links if name.startswith("Notifications")]
        assert unread, role
    assert seen["agency"] == ["Board", "File a recommendation", "KPIs", "Training notes"]
    assert seen["it"] == ["Board", "KPIs", "Training notes", "My training"]
    assert seen["cmo"] == ORG_LINKS
    # Each link opens: the header offers nothing its reader is refused.
    staff = app.test_client()
    login(staff, make_user(org, "marketing").email)
    for name, path in [("My training", "/orgs/acme/notes/mine"), ("KPIs", "/orgs/acme/kpis/")]:
        assert staff.get(path).status_code == 200, name
        assert Header(staff.get(path).text).links[name] == "page"


def test_someone_in_two_organisations_switches_between_them(client):
    people, _ = _world()
    login(client, people["cio"].email)
    html = client.get("/orgs/beta/board").text
    header = Header(html)
    assert header.org == "Beta"
    assert header.links["Acme · CIO (IT director)"] is None
    assert header.links["Beta · CMO (marketing director)"] == "page"
    assert 'href="/orgs/acme/board"' in html


def test_an_error_page_keeps_the_header(client):
    people, _ = _world()
    login(client, people["cio"].email)
    missing = client.get("/orgs/acme/tasks/987654")
    assert missing.status_code == 404
    header = Header(missing.text)
    assert header.org == "Acme" and "Board" in header.links and "Settings" in header.links


def test_templates_call_no_function_but_links_tokens_and_their_own_macros(app):
    """Views work out what a page shows; a template that called the domain would query
    behind the view's back (and once per card on a board)."""
    from jinja2 import nodes

    # ... and our words in the reader's language (Flask-Babel's gettext callables).
    allowed = {"url_for", "csrf_token", "get_flashed_messages", "super", "caller"}
    allowed |= {"_", "gettext", "ngettext"}
    env = app.jinja_env
    called = {}
    for name in env.list_templates(extensions=["html"]):
        tree = env.parse(env.loader.get_source(env, name)[0])
        own = {m.name for m in tree.find_all(nodes.Macro)}
        own |= {a.name for m in tree.find_all(nodes.Macro) for a in m.args}
        own |= {
            n if isinstance(n, str) else n[1]
            for imp in tree.find_all(nodes.FromImport)
            for n in imp.names
        }
        for call in tree.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name not in allowed | own:
                called.setdefault(name, set()).add(call.node.name)
    assert called == {}


# --- no inline script or style: a strict Content-Security-Policy refuses them ----------------


class Inline(HTMLParser):
    """What a Content-Security-Policy without 'unsafe-inline' (or 'unsafe-eval') would refuse."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script":
            self._script = True
            if not attributes.get("src"):
                self.found.append("<script> without src")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'style="…" on <{tag}>')
            elif name.startswith("on") or name.startswith(("hx-on", "data-hx-on")):
                self.found.append(f"{name}= handler on <{tag}>")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name}= on <{tag}>")
            elif name in ("hx-vals", "hx-headers") and (value or "").lstrip().startswith("js:"):
                self.found.append(f"script in {name}= on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._script and data.strip():
            self.found.append("a script body")


JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)


def _without_jinja(source: str) -> str:
    # Expressions become a plain value and statements vanish, leaving the markup they build.
    return JINJA.sub(lambda m: "x" if m.group(0).startswith("{{") else " ", source)


def test_no_template_holds_inline_script_style_or_handlers(app):
    env = app.jinja_env
    names = env.list_templates(extensions=["html"])
    assert len(names) > 30  # the walk really reads the template folder
    found = {
        name: Inline(_without_jinja(env.loader.get_source(env, name)[0])).found for name in names
    }
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_walk_would_see_inline_content():
    sample = (
        '<div style="color: red" onclick="go()"><style>p{}</style>'
        '<script>alert(1)</script><a href="javascript:void(0)">x</a>'
        '<script src="/static/js/app.js"></script>'
        '<input hx-on:click="x()" {% if y %}checked{% endif %} value="{{ v }}"></div>'
    )
    assert Inline(_without_jinja(sample)).found == [
        'style="…" on <div>',
        "onclick= handler on <div>",
        "<style> element",
        "<script> without src",
        "a script body",
        "javascript: URL in href= on <a>",
        "hx-on:click= handler on <input>",
    ]


def test_main_pages_render_without_inline_script_or_style(app, client):
    people, recommendation = _world()
    login(client, people["cio"].email)
    _edit_note(client)
    operator = app.test_client()
    login(operator, people["operator"].email)
    pages = [(client, path) for path in [*main_pages(recommendation), "/", "/profile/"]]
    pages += [(operator, "/admin/"), (app.test_client(), "/login")]
    for who, path in pages:
        response = who.get(path)
        assert response.status_code == 200, path
        assert Inline(response.text).found == [], path
