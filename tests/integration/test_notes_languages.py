"""An organisation's training note per language, through the pages and the API (issue 12):
a director edits one language and the other language's readers keep collab's text, told so;
history, restoring, reads and read rates are per language."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from collab.models.notes import NoteVersion
from collab.platform.clock import utcnow
from collab.platform.errors import Conflict
from collab.platform.extensions import db
from collab.training import reading, versions
from collab.training.library import shipped_note
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

NOTE = "/orgs/acme/notes/broken_links"
RUSSIAN_BODY = "## Почему это важно\nКаждая битая ссылка теряет посетителя. {url_count}.\n"
ENGLISH = shipped_note("broken_links", "en")
RUSSIAN = shipped_note("broken_links", "ru")


def _world():
    """Acme with a Russian-speaking CIO, an English-speaking engineer assigned a 404 task."""
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "it", "agency")}
    people["cio"].language = "ru"
    people["it"].language = "en"
    task = make_recommendation(
        org, people["agency"], title="Fix the 404s", category="broken_links"
    ).tasks[0]
    update_task(
        membership(people["cio"], org),
        task,
        {"status": "todo", "assignee": people["it"].email},
        task.version,
    )
    db.session.commit()
    return org, people, task


def _client(app, user):
    client = app.test_client()
    login(client, user.email)
    return client


def _edit(client, title: str, body: str, language: str | None = None):
    page = NOTE + "/edit" + (f"?language={language}" if language else "")
    form = client.get(page)
    fields = dict(
        re.findall(r'name="(base_version|language)" type="hidden" value="(\w*)"', form.text)
    )
    answer = client.post(
        page, data={"title": title, "body": body, **fields, "csrf_token": csrf_from(form.text)}
    )
    return form, answer


def test_a_russian_edit_leaves_english_readers_collabs_text_and_tells_them(app):
    org, p, task = _world()
    cio, engineer = _client(app, p["cio"]), _client(app, p["it"])

    # The editor opens in the director's language, on collab's Russian text.
    form, saved = _edit(cio, "Битые ссылки стоят лидов", RUSSIAN_BODY)
    assert 'name="language" type="hidden" value="ru"' in form.text
    assert unescape(RUSSIAN.title) in unescape(form.text)
    assert "Вы правите текст на русском" in form.text
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(NOTE + "?language=ru")

    # The English engineer's task keeps collab's English note, with a line and a link.
    page = unescape(engineer.get(f"/orgs/acme/tasks/{task.id}").text)
    assert f"Why this matters: {ENGLISH.title}" in page
    assert "Acme has rewritten this note in Russian only; here is collab's own text." in page
    assert f'href="{NOTE}?language=ru" lang="ru">Read Acme\'s version in Russian' in page
    edited = engineer.get(NOTE + "?language=ru").text
    assert '<h1 lang="ru">Битые ссылки стоят лидов</h1>' in edited
    assert "Versions in Russian" in edited

    # The director reads their own words, told nothing.
    page = cio.get(f"/orgs/acme/tasks/{task.id}").text
    assert "Почему это важно: Битые ссылки стоят лидов" in page
    assert "только на" not in page

    # The API: each asker gets their language's text, and learns which one it is.
    api = f"/api/v1/orgs/acme/tasks/{task.id}"
    english = engineer.get(api, headers=bearer(p["it"])).json["training_note"]
    russian = cio.get(api, headers=bearer(p["cio"])).json["training_note"]
    assert (english["title"], english["language"], english["version"]) == (ENGLISH.title, "en", 0)
    assert (russian["title"], russian["language"], russian["version"]) == (
        "Битые ссылки стоят лидов",
        "ru",
        1,
    )
    assert english["edited_in"] == russian["edited_in"] == ["ru"]
    # ``language=`` asks for the other one, whatever the profile says; in lists too.
    asked = engineer.get(api + "?language=ru", headers=bearer(p["it"])).json["training_note"]
    assert asked == russian
    listed = engineer.get("/api/v1/orgs/acme/tasks?language=ru", headers=bearer(p["it"])).json
    assert listed["items"][0]["training_note"] == russian
    refused = engineer.get(api + "?language=de", headers=bearer(p["it"]))
    assert refused.status_code == 422 and "language" in refused.json["error"]["fields"]
    assert set(english) >= {"title", "why", "kpis", "how_measured", "body_html"}

    # An English edit starts the English chain at version 1; Russian stays at its 1.
    form, saved = _edit(cio, "Dead links cost leads", "## Why it matters\nOurs.\n", "en")
    assert 'name="base_version" type="hidden" value="0"' in form.text
    assert saved.status_code == 303
    rows = db.session.query(NoteVersion.language, NoteVersion.version).order_by(NoteVersion.id)
    assert [tuple(row) for row in rows] == [("ru", 1), ("en", 1)]
    library = unescape(engineer.get("/orgs/acme/notes/").text)
    cell = re.search(r'<tr id="note-broken_links">.*?</tr>', library, re.S).group(0)
    assert "English: Acme's version 1" in cell and "Russian: Acme's version 1" in cell

    # Restoring collab's Russian note is a new Russian version; English is untouched.
    restored = form_post(
        cio, NOTE + "?language=ru", NOTE + "/revert", {"version": "0", "language": "ru"}
    )
    assert restored.headers["Location"].endswith(NOTE + "?language=ru")
    russian_page = cio.get(NOTE).text
    assert unescape(f'<h1 lang="ru">{RUSSIAN.title}</h1>') in unescape(russian_page)
    assert "Исходная заметка collab на русском восстановлена как новая версия 2." in russian_page
    assert 'id="version-2"' in russian_page and "Версии на русском" in russian_page
    english_page = engineer.get(NOTE).text
    assert '<h1 lang="en">Dead links cost leads</h1>' in english_page
    assert 'id="version-2"' not in english_page
    diff = engineer.get(NOTE + "/diff?language=ru&old=1&new=2").text
    assert "- Title: Битые ссылки стоят лидов" in diff


def test_a_read_stays_current_until_the_readers_own_language_changes(app):
    org, p, task = _world()
    engineer, cio = _client(app, p["it"]), _client(app, p["cio"])
    task_page = f"/orgs/acme/tasks/{task.id}"
    marked = form_post(
        engineer, task_page, NOTE + "/read", {"version": "0", "language": "en", "task": task.id}
    )
    assert marked.status_code == 303
    assert "You have read this version of the note" in engineer.get(task_page).text

    before = utcnow() - timedelta(seconds=1)
    versions.save_version(
        membership(p["cio"], org), org, "broken_links", "Битые ссылки", RUSSIAN_BODY, 0, "ru"
    )
    db.session.commit()
    page = engineer.get(task_page).text
    assert "You have read this version of the note" in page
    assert "updated since you read it" not in page
    rate = re.search(r'<tr id="rate-it">.*?</tr>', cio.get("/orgs/acme/notes/").text, re.S)
    assert re.findall(r"<td>([^<]*)</td>", rate.group(0))[:2] == ["1", "1"]
    assert reading.digest_lines(p["it"], org, before, "https://collab.example") == []

    versions.save_version(
        membership(p["cio"], org),
        org,
        "broken_links",
        "Dead links",
        "## Why it matters\nX\n",
        0,
        "en",
    )
    db.session.commit()
    assert "This note was updated since you read it." in engineer.get(task_page).text
    rate = re.search(r'<tr id="rate-it">.*?</tr>', cio.get("/orgs/acme/notes/").text, re.S)
    assert re.findall(r"<td>([^<]*)</td>", rate.group(0))[:2] == ["1", "0"]
    assert reading.digest_lines(p["it"], org, before, "https://collab.example") == [
        "Training note rewritten since you read it: “Dead links” (Broken links, 1 open task of "
        "yours). https://collab.example/orgs/acme/notes/broken_links"
    ]


def test_an_unknown_placeholder_is_named_in_the_language_that_has_it(app):
    org, p, _task = _world()
    cio = _client(app, p["cio"])
    _form, saved = _edit(cio, "Битые ссылки", RUSSIAN_BODY + "Срок: {due}.\n")
    warned = cio.get(saved.headers["Location"]).text
    assert "<code>{due}</code>" in warned
    assert "<code>{due}</code>" not in cio.get(NOTE + "?language=en").text
    assert cio.get(NOTE + "?language=de").status_code == 422


def test_editors_of_different_languages_never_conflict_editors_of_one_do(app):
    org, p, _task = _world()
    cmo = make_user(org, "cmo")
    db.session.commit()
    director, colleague = membership(p["cio"], org), membership(cmo, org)
    body = "## Why it matters\nOurs.\n"
    # Both opened their editor on collab's note (version 0), in different languages.
    versions.save_version(colleague, org, "broken_links", "Битые ссылки", RUSSIAN_BODY, 0, "ru")
    saved = versions.save_version(director, org, "broken_links", "Dead links", body, 0, "en")
    assert (saved.language, saved.version) == ("en", 1)
    # A third save in English from version 0 would overwrite the director's words.
    with pytest.raises(Conflict, match="someone saved version 1"):
        versions.save_version(colleague, org, "broken_links", "Lost links", body, 0, "en")
    assert versions.current_note(org, "broken_links", "ru").note.title == "Битые ссылки"
