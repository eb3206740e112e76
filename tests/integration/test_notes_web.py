"""Training notes in the browser's shape: the task page's note, the organisation's copy with
versions, diff and revert, read marks, My training, read rates and tenant isolation."""

from __future__ import annotations

import re
import statistics
from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest

from collab.impacts.job import measure_task
from collab.impacts.metric_map import set_metrics_for
from collab.kpis.recording import record_json
from collab.models.notes import NoteRead, NoteVersion
from collab.platform.extensions import db
from collab.training.library import shipped_note
from collab.work.routing import CATEGORIES
from collab.work.tasks import update_task
from tests.support.factories import (
    bearer,
    csrf_from,
    form_post,
    login,
    make_org,
    make_recommendation,
    make_user,
    membership,
)

BODY = """## Why it matters
Dead links lose visitors and waste the crawler's visits. Each one fixed keeps a possible lead.

## How we will know it worked
The 404 count falls. {kpi_figures}

## What done means
Scope: {url_count}. Priority: {priority}. Deadline: {due_date}.

- [ ] Every listed URL works or redirects.

## Further reading
Search Console lists them. The agency's crawl shows the rest.
"""


def _world(slug: str = "acme"):
    org = make_org(slug)
    people = {role: make_user(org, role) for role in ("cio", "cmo", "it", "marketing", "agency")}
    return org, people


def _assigned_task(org, people, title="Fix 1,000+ 404 errors found in the crawl", **data):
    """A recommendation routed to IT, accepted and assigned to the IT engineer."""
    task = make_recommendation(org, people["agency"], title=title, **data).tasks[0]
    assignee = people["it"] if task.team == "it" else people["marketing"]
    update_task(
        membership(people["cio"], org),
        task,
        {"status": "todo", "assignee": assignee.email},
        task.version,
    )
    db.session.commit()
    return task


def _note_section(html: str) -> str:
    match = re.search(r'<section class="note" id="task-note".*?</section>', html, re.S)
    assert match, "the task page has no note"
    return match.group(0)


def _edit(client, slug: str, category: str, title: str, body: str):
    page = f"/orgs/{slug}/notes/{category}/edit"
    form = client.get(page)
    base = re.search(r'name="base_version" type="hidden" value="(\d+)"', form.text).group(1)
    return client.post(
        page,
        data={
            "title": title,
            "body": body,
            "base_version": base,
            "csrf_token": csrf_from(form.text),
        },
    )


def _signed_in(app, user):
    client = app.test_client()
    login(client, user.email)
    return client


def _finished(org, people, title: str, done_on: date):
    """An assigned task that the CIO records as started and finished at noon on ``done_on``."""
    task = _assigned_task(org, people, title=title)
    at = datetime.combine(done_on, time(12), UTC).isoformat()
    director = membership(people["cio"], org)
    update_task(director, task, {"status": "in_progress", "started_at": at}, task.version)
    update_task(director, task, {"status": "done", "completed_at": at}, task.version)
    db.session.commit()
    return task


def _record_404s_falling_at(org, *fixes: date, days: int = 200):
    """A daily 404 count that drops by 100 on each of the given days, with a weekly wobble."""
    today = datetime.now(UTC).date()
    observations = []
    for back in range(1, days):
        day = today - timedelta(days=back)
        value = 100 * (1 + sum(day < fixed for fixed in fixes)) + back % 7
        observations.append({"metric": "not_found_count", "date": day.isoformat(), "value": value})
    record_json(org, observations)
    db.session.commit()


def _changes(client, user, task) -> list[float]:
    """The measured changes of a task's impacts, as the API reports them."""
    impacts = client.get(f"/api/v1/orgs/acme/tasks/{task.id}/impact", headers=bearer(user)).json
    return [i["change_pct"] for i in impacts["items"] if i["status"] == "measured"]


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "src")]


# --- the library -------------------------------------------------------------------------------


def test_every_category_has_a_note_on_the_notes_page(app, client):
    org, p = _world()
    login(client, p["it"].email)
    index = client.get("/orgs/acme/notes/")
    assert index.status_code == 200
    for slug, category in CATEGORIES.items():
        row = re.search(rf'<tr id="note-{slug}">.*?</tr>', index.text, re.S)
        assert row, slug
        assert category.name in row.group(0)
        title = shipped_note(slug).title
        assert title in unescape(row.group(0)), slug
        assert "collab's note" in row.group(0)
        page = client.get(f"/orgs/acme/notes/{slug}")
        assert page.status_code == 200, slug
    # Staff see no read rates; a made-up category does not exist.
    assert "Who has read the notes" not in index.text
    assert client.get("/orgs/acme/notes/no_such_thing").status_code == 404


# --- the task page -----------------------------------------------------------------------------


def test_task_note_is_filled_from_the_task_without_figures_or_history(app, client):
    org, p = _world()
    task = _assigned_task(
        org,
        p,
        urls=[f"https://acme.example/old-{i}" for i in range(37)],
        priority="high",
        due_date="2031-03-05",
    )
    assert task.category == "broken_links"
    login(client, p["it"].email)
    note = _note_section(client.get(f"/orgs/acme/tasks/{task.id}").text)

    assert shipped_note("broken_links").title in note
    assert "Scope: 37 affected URLs. Priority: high. Deadline: 5 March 2031." in note
    assert "We have no figures for these numbers yet." in note
    assert "What earlier work of this kind did here" not in note
    assert "What it did here" not in note
    assert "{url_count}" not in note and "{kpi_figures}" not in note
    assert "Mark as read" in note and "Edit this note" not in note


def test_task_note_shows_what_earlier_work_of_its_kind_did(app, client):
    org, p = _world()
    today = datetime.now(UTC).date()
    # Fixes far enough apart that each one's before window is settled: a drop that was still
    # under way when the next work started would make that work's measurement inconclusive.
    fixed_on = [today - timedelta(days=days) for days in (250, 170, 90)]
    _record_404s_falling_at(org, *fixed_on, days=400)
    first, second, third = (
        _finished(org, p, f"Fix 404 errors, round {n}", day) for n, day in enumerate(fixed_on, 1)
    )
    for task in (first, second, third):
        assert measure_task(task.id) > 0
    waiting = _assigned_task(org, p, title="Fix 404 errors on the shop")
    changes = [_changes(client, p["cio"], task) for task in (first, second, third)]
    assert all(len(found) == 1 and found[0] < 0 for found in changes)  # 404 count, down
    changes = [found[0] for found in changes]

    def lesson(earlier: list[float]) -> str:
        median = round(statistics.median(earlier), 1)
        n = len(earlier)
        return f"{n} earlier tasks measured 404 count: median {median:+.1f}%; {n} of {n} improved."

    login(client, p["it"].email)
    note = _note_section(client.get(f"/orgs/acme/tasks/{waiting.id}").text)
    assert "What earlier work of this kind did here" in note
    assert lesson(changes) in note
    assert "What it did here" not in note
    # Finished work sees what it did itself, and only the work finished before it.
    note = _note_section(client.get(f"/orgs/acme/tasks/{third.id}").text)
    assert f"404 count {round(changes[2], 1):+.1f}% (improved)" in note
    assert lesson(changes[:2]) in note
    note = _note_section(client.get(f"/orgs/acme/tasks/{first.id}").text)
    assert f"404 count {round(changes[0], 1):+.1f}% (improved)" in note
    assert "What earlier work of this kind did here" not in note
    # The category's page shows the whole lesson; the API's note of open work too.
    page = client.get("/orgs/acme/notes/broken_links").text
    assert lesson(changes) in page
    api = client.get(f"/api/v1/orgs/acme/tasks/{waiting.id}", headers=bearer(p["it"])).json
    assert lesson(changes) in api["training_note"]["body_html"]


def test_task_note_shows_the_organisations_current_figures(app, client):
    org, p = _world()
    task = _assigned_task(org, p)
    today = date.today()
    observations = [
        {"metric": "not_found_count", "date": (today - timedelta(days=d)).isoformat(), "value": 37}
        for d in range(1, 31)
    ]
    pushed = client.post(
        "/api/v1/orgs/acme/kpis", json={"observations": observations}, headers=bearer(p["cio"])
    )
    assert pushed.status_code == 200, pushed.text
    login(client, p["it"].email)
    note = _note_section(client.get(f"/orgs/acme/tasks/{task.id}").text)
    assert "Today: 404 count 37" in note


def test_api_note_uses_the_organisations_kpi_map_and_copy(app, client):
    org, p = _world()
    task = _assigned_task(org, p)
    note = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(p["it"])).json[
        "training_note"
    ]
    # API.md's five fields, and which text it is: its language, version and the edited ones.
    assert set(note) == {"title", "why", "kpis", "how_measured", "body_html"} | {
        "language",
        "version",
        "edited_in",
    }
    assert (note["language"], note["version"], note["edited_in"]) == ("en", 0, [])
    assert note["kpis"] == list(CATEGORIES["broken_links"].metrics)
    assert note["title"] == shipped_note("broken_links").title

    # The directors measure this kind of work by other numbers: the note promises those.
    expected = ["not_found_count", "leads"]
    set_metrics_for(membership(p["cio"], org), org, "broken_links", expected)
    db.session.commit()
    note = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(p["it"])).json[
        "training_note"
    ]
    assert note["kpis"] == expected

    login(client, p["cmo"].email)
    assert _edit(client, "acme", "broken_links", "Our own 404 note", BODY).status_code == 303
    note = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(p["it"])).json[
        "training_note"
    ]
    assert note["title"] == "Our own 404 note"
    assert note["why"].startswith("Dead links lose visitors")
    assert note["how_measured"].startswith("The 404 count falls.")
    assert note["kpis"] == expected
    assert "Every listed URL works or redirects." in note["body_html"]


# --- editing -----------------------------------------------------------------------------------


def test_an_edited_note_is_sanitised_wherever_it_shows(app, client):
    org, p = _world()
    task = _assigned_task(org, p)
    login(client, p["cio"].email)
    hostile = (
        BODY
        + "\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        + '[click](javascript:alert(3)) <a href="#" onclick="alert(4)">y</a>\n'
    )
    assert _edit(client, "acme", "broken_links", "Safe <b>note</b>", hostile).status_code == 303

    for url in (f"/orgs/acme/tasks/{task.id}", "/orgs/acme/notes/broken_links"):
        html = client.get(url).text
        if "tasks" in url:
            section = _note_section(html)
        else:
            section = re.search(
                r'<section class="note" aria-labelledby="text-h">.*?</section>', html, re.S
            ).group(0)
        markup = _Markup()
        markup.feed(section)
        assert "script" not in markup.tags and "img" not in markup.tags, url
        assert markup.handlers == [], url
        assert not [h for h in markup.hrefs if "javascript" in h.lower()], url
        assert "Safe &lt;b&gt;note&lt;/b&gt;" in html
    api = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(p["it"])).json
    markup = _Markup()
    markup.feed(api["training_note"]["body_html"])
    assert "script" not in markup.tags and markup.handlers == []


def test_empty_title_or_body_is_refused_with_field_errors(app, client):
    org, p = _world()
    login(client, p["agency"].email)
    refused = _edit(client, "acme", "meta_tags", "   ", "\n  \n")
    assert refused.status_code == 422
    assert "give the note a title" in refused.text
    assert "an empty one would teach nothing" in refused.text
    assert refused.text.count('aria-invalid="true"') == 2
    assert db.session.query(NoteVersion).count() == 0


@pytest.mark.parametrize("role", ["it", "marketing"])
def test_staff_may_not_edit_notes(app, client, role):
    org, p = _world()
    login(client, p[role].email)
    assert client.get("/orgs/acme/notes/page_speed/edit").status_code == 403
    page = client.get("/orgs/acme/notes/page_speed")
    assert "Edit this note" not in page.text
    refused = client.post(
        "/orgs/acme/notes/page_speed/edit",
        data={"title": "x", "body": "y", "csrf_token": csrf_from(page.text)},
    )
    assert refused.status_code == 403
    refused = client.post(
        "/orgs/acme/notes/page_speed/revert",
        data={"version": "0", "csrf_token": csrf_from(page.text)},
    )
    assert refused.status_code == 403
    assert db.session.query(NoteVersion).count() == 0


def test_the_agency_edits_notes_but_keeps_no_reading_record(app, client):
    org, p = _world()
    task = _assigned_task(org, p)
    login(client, p["agency"].email)
    note = _note_section(client.get(f"/orgs/acme/tasks/{task.id}").text)
    assert "Edit this note" in note and "Mark as read" not in note

    assert _edit(client, "acme", "broken_links", "From the agency", BODY).status_code == 303
    assert "From the agency" in client.get(f"/orgs/acme/tasks/{task.id}").text
    refused = form_post(
        client,
        f"/orgs/acme/tasks/{task.id}",
        "/orgs/acme/notes/broken_links/read",
        {"version": "1", "task": str(task.id)},
    )
    assert refused.status_code == 403
    assert db.session.query(NoteRead).count() == 0


def test_versions_keep_who_and_when_with_a_diff_and_revert(app, client):
    org, p = _world()
    cio, cmo = _signed_in(app, p["cio"]), _signed_in(app, p["cmo"])
    assert _edit(cio, "acme", "meta_tags", "Titles that earn the click", BODY).status_code == 303
    second = BODY.replace("Dead links lose visitors", "A <b>dull</b> snippet loses clicks")
    assert _edit(cmo, "acme", "meta_tags", "Snippets that earn clicks", second).status_code == 303
    # Saving the same text again adds no version.
    unchanged = _edit(cmo, "acme", "meta_tags", "Snippets that earn clicks", second)
    assert unchanged.status_code == 303

    page = cio.get("/orgs/acme/notes/meta_tags").text
    v1 = re.search(r'<tr id="version-1">.*?</tr>', page, re.S).group(0)
    v2 = re.search(r'<tr id="version-2">.*?</tr>', page, re.S).group(0)
    assert p["cio"].display_name in v1 and "Titles that earn the click" in v1
    assert p["cmo"].display_name in v2 and "(in use)" in v2
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", v2)
    assert 'id="version-3"' not in page

    diff = cio.get("/orgs/acme/notes/meta_tags/diff?old=1&new=2").text
    assert re.search(r'class="diff-removed">- Title: Titles that earn the click<', diff)
    assert re.search(r'class="diff-added">\+ Title: Snippets that earn clicks<', diff)
    assert "A &lt;b&gt;dull&lt;/b&gt; snippet loses clicks" in diff
    assert "<b>dull</b>" not in diff
    same = cio.get("/orgs/acme/notes/meta_tags/diff?old=2&new=2").text
    assert "The two texts are the same." in same
    assert cio.get("/orgs/acme/notes/meta_tags/diff?old=9&new=2").status_code == 404

    restored = form_post(
        cio, "/orgs/acme/notes/meta_tags", "/orgs/acme/notes/meta_tags/revert", {"version": "1"}
    )
    assert restored.status_code == 303
    page = cio.get("/orgs/acme/notes/meta_tags").text
    assert "Restored version 1 in English as the new version 3." in page
    assert '<h1 lang="en">Titles that earn the click</h1>' in page
    assert "restored from version 1" in page
    # Back to collab's own note, also as a new version.
    form_post(
        cio, "/orgs/acme/notes/meta_tags", "/orgs/acme/notes/meta_tags/revert", {"version": "0"}
    )
    page = cio.get("/orgs/acme/notes/meta_tags").text
    assert f'<h1 lang="en">{shipped_note("meta_tags").title}</h1>' in page
    assert "restored from collab's note" in unescape(page)
    # Restoring the text already in use changes nothing.
    again = form_post(
        cio, "/orgs/acme/notes/meta_tags", "/orgs/acme/notes/meta_tags/revert", {"version": "0"}
    )
    assert again.status_code == 303
    assert "that text is already the current one" in cio.get("/orgs/acme/notes/meta_tags").text
    assert db.session.query(NoteVersion).count() == 4


def test_a_colleagues_newer_version_is_never_overwritten(app, client):
    org, p = _world()
    cio, cmo = _signed_in(app, p["cio"]), _signed_in(app, p["cmo"])
    stale_form = cmo.get("/orgs/acme/notes/landing_copy/edit").text
    assert _edit(cio, "acme", "landing_copy", "The CIO's words", BODY).status_code == 303
    clash = cmo.post(
        "/orgs/acme/notes/landing_copy/edit",
        data={
            "title": "The CMO's words",
            "body": BODY,
            "base_version": "0",
            "csrf_token": csrf_from(stale_form),
        },
    )
    assert clash.status_code == 409
    assert "Someone saved version 1 of this note while you were editing" in clash.text
    assert "The CMO&#39;s words" in clash.text  # the text typed is still there
    assert 'name="base_version" type="hidden" value="1"' in clash.text
    titles = [v.title for v in db.session.query(NoteVersion).order_by(NoteVersion.version)]
    assert titles == ["The CIO's words"]


# --- reading -----------------------------------------------------------------------------------


def test_marking_read_then_an_edit_makes_the_read_stale(app, client):
    org, p = _world()
    task = _assigned_task(org, p)
    dev, cio = _signed_in(app, p["it"]), _signed_in(app, p["cio"])
    rates = cio.get("/orgs/acme/notes/").text
    assert re.search(r'id="rate-it">\s*<th scope="row">IT</th>\s*<td>1</td>\s*<td>0</td>', rates)

    marked = form_post(
        dev,
        f"/orgs/acme/tasks/{task.id}",
        "/orgs/acme/notes/broken_links/read",
        {"version": "0", "task": str(task.id)},
    )
    assert marked.status_code == 303
    assert marked.headers["Location"].endswith(f"/orgs/acme/tasks/{task.id}#task-note")
    note = _note_section(dev.get(f"/orgs/acme/tasks/{task.id}").text)
    assert "You have read this version of the note" in note
    assert "Mark as read" not in note
    rates = cio.get("/orgs/acme/notes/").text
    assert re.search(r'id="rate-it">.*?<td>1</td>\s*<td>1</td>\s*<td>100%</td>', rates, re.S)

    assert _edit(cio, "acme", "broken_links", "Rewritten", BODY).status_code == 303
    note = _note_section(dev.get(f"/orgs/acme/tasks/{task.id}").text)
    assert "This note was updated since you read it." in note
    assert "Mark as read" in note
    mine = dev.get("/orgs/acme/notes/mine").text
    assert "updated since you read it" in mine
    rates = cio.get("/orgs/acme/notes/").text
    assert re.search(r'id="rate-it">.*?<td>1</td>\s*<td>0</td>\s*<td>0%</td>', rates, re.S)

    # Reading the new version again (with htmx: the note is swapped in place).
    page = dev.get(f"/orgs/acme/tasks/{task.id}").text
    fragment = dev.post(
        "/orgs/acme/notes/broken_links/read",
        data={"version": "1", "task": str(task.id), "csrf_token": csrf_from(page)},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith("{") is False and "<html" not in fragment.text
    assert "You have read this version of the note" in fragment.text
    # A version that does not exist yet cannot be read.
    refused = dev.post(
        "/orgs/acme/notes/broken_links/read",
        data={"version": "7", "csrf_token": csrf_from(page)},
    )
    assert refused.status_code == 303
    assert db.session.query(NoteRead).one().version == 1


def test_my_training_lists_unread_notes_first(app, client):
    org, p = _world()
    _assigned_task(org, p, title="Fix 404 errors on the old blog")
    _assigned_task(org, p, title="Compress images on the catalogue")
    _assigned_task(org, p, title="Rewrite meta descriptions")  # marketing's, not mine
    dev = _signed_in(app, p["it"])
    form_post(dev, "/orgs/acme/notes/mine", "/orgs/acme/notes/broken_links/read", {"back": "mine"})

    mine = dev.get("/orgs/acme/notes/mine").text
    order = re.findall(r'id="training-(\w+)"', mine)
    assert order == ["page_speed", "broken_links"]
    assert "not read yet" in mine and "read on " in mine
    assert "Compress images on the catalogue" in mine
    assert "meta descriptions" not in mine

    # The CMO sees the notes of the marketing team's open tasks.
    cmo = _signed_in(app, p["cmo"])
    assert re.findall(r'id="training-(\w+)"', cmo.get("/orgs/acme/notes/mine").text) == [
        "meta_tags"
    ]
    agency = _signed_in(app, p["agency"])
    assert "Agency accounts have no tasks" in agency.get("/orgs/acme/notes/mine").text


# --- tenants -----------------------------------------------------------------------------------


def test_another_organisations_edit_is_invisible(app, client):
    acme, a = _world("acme")
    globex, b = _world("globex")
    theirs = _assigned_task(globex, b)
    cio = _signed_in(app, a["cio"])
    assert _edit(cio, "acme", "broken_links", "Acme's private note", BODY).status_code == 303
    form_post(cio, "/orgs/acme/notes/", "/orgs/acme/notes/broken_links/read", {})

    other = _signed_in(app, b["cio"])
    assert "private note" not in other.get(f"/orgs/globex/tasks/{theirs.id}").text
    index = other.get("/orgs/globex/notes/").text
    assert "Acme" not in index
    row = re.search(r'<tr id="note-broken_links">.*?</tr>', index, re.S).group(0)
    assert "collab's note" in row
    assert "Acme" not in other.get("/orgs/globex/notes/broken_links").text
    api = other.get(f"/api/v1/orgs/globex/tasks/{theirs.id}", headers=bearer(b["cio"])).json
    assert api["training_note"]["title"] == shipped_note("broken_links").title
    # Acme's CIO finds nothing at Globex's note URLs.
    assert cio.get("/orgs/globex/notes/broken_links").status_code == 404
    assert cio.get("/orgs/globex/notes/broken_links/edit").status_code == 404


def test_measured_work_shows_in_its_note_and_in_its_kinds_history(app, client):
    org, p = _world()
    finished = _assigned_task(org, p, title="Fix 404 errors on the old blog")
    waiting = _assigned_task(org, p, title="Fix 404 errors on the shop")
    today = datetime.now(UTC).date()
    done_on = today - timedelta(days=35)
    record_json(
        org,
        [
            {
                "metric": "not_found_count",
                "date": (today - timedelta(days=d)).isoformat(),
                "value": (200 if today - timedelta(days=d) < done_on else 100) + d % 7,
            }
            for d in range(1, 80)
        ],
    )
    at = datetime.combine(done_on, time(12), UTC).isoformat()
    director = membership(p["cio"], org)
    update_task(director, finished, {"status": "in_progress", "started_at": at}, finished.version)
    update_task(director, finished, {"status": "done", "completed_at": at}, finished.version)
    db.session.commit()
    assert measure_task(finished.id) > 0

    login(client, p["it"].email)
    own = _note_section(client.get(f"/orgs/acme/tasks/{finished.id}").text)
    assert "What it did here" in own
    assert re.search(r"404 count -\d+\.\d% \(improved\)", own)
    assert "What earlier work of this kind did here" not in own  # nothing was done before it
    other = _note_section(client.get(f"/orgs/acme/tasks/{waiting.id}").text)
    assert "What it did here" not in other
    assert re.search(r"1 earlier task measured 404 count: -\d+\.\d% \(improved\)\.", other)


def test_an_unknown_placeholder_is_named_on_save_and_never_shown_in_braces(app, client):
    org, p = _world()
    task = _assigned_task(org, p)
    login(client, p["cio"].email)
    body = BODY.replace("Scope: {url_count}.", "Scope: {url_count}. Owner: {unknown_placeholder}.")
    saved = _edit(client, "acme", "broken_links", "Dead links cost leads", body)
    assert saved.status_code == 303
    said = client.get(saved.headers["Location"]).text
    assert (
        "Tasks show nothing for {unknown_placeholder}: collab fills in no such placeholder. "
        "The ones it fills in are {url_count}, {priority}, {due_date}, {kpi_figures}; "
        "correct the name or remove it."
    ) in unescape(said)
    staff = _signed_in(app, p["it"])
    for url in (f"/orgs/acme/tasks/{task.id}", "/orgs/acme/notes/broken_links"):
        text = unescape(staff.get(url).text)
        assert "unknown_placeholder" not in text, url
        assert "{url_count}" not in text and "{due_date}" not in text, url
    note = _note_section(staff.get(f"/orgs/acme/tasks/{task.id}").text)
    assert "Scope: no URLs listed yet. Owner: ." in note  # left out, not in braces
    note_page = staff.get("/orgs/acme/notes/broken_links").text
    assert "<em>how many URLs the task lists</em>" in note_page
    api = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=bearer(p["it"])).json
    assert "{" not in api["training_note"]["body_html"]
