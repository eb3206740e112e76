"""A Russian-speaking reader gets collab's notes in Russian, filled in Russian; an
organisation's own text stays as its editors typed it; a missing text is said to be missing."""

from datetime import date

from flask import render_template
from flask_babel import refresh

from collab.platform.extensions import db
from tests.support.factories import bearer, login, make_org, make_recommendation, make_user

RUSSIAN = {"Accept-Language": "ru-RU,ru;q=0.9"}


def _task(org, agency, **data):
    return make_recommendation(org, agency, title="Speed up the home page", **data).tasks[0]


def test_a_russian_reader_gets_the_note_in_russian_filled_in_russian(app, client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    cio.language = "ru"
    agency = make_user(org, "agency")
    task = _task(
        org,
        agency,
        category="page_speed",
        urls=["https://acme.example/a", "https://acme.example/b"],
    )
    task.due_date = date(2026, 12, 30)
    db.session.commit()
    login(client, cio.email)
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    assert "Почему это важно: Почему быстрая страница окупается" in page
    assert "Объём: 2 затронутых URL. Приоритет: средний. Срок: 30 декабря 2026." in page
    assert "Данных по этим показателям пока нет." in page
    assert "показываем её на английском" not in page
    assert "Speed up the home page" in page  # the agency's title, as typed


def test_an_english_reader_keeps_the_english_note(app, client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    task = _task(org, make_user(org, "agency"), category="page_speed")
    login(client, cio.email)
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    assert "Why this matters: Why a faster page pays" in page
    assert "Priority: medium." in page


def test_an_english_edit_leaves_russian_readers_collabs_russian_text_and_tells_them(app, client):
    from collab.accounts.people import membership_of
    from collab.training import versions

    org = make_org("acme")
    cio = make_user(org, "cio")
    cio.language = "ru"
    versions.save_version(
        membership_of(cio, org),
        org,
        "page_speed",
        "Our own speed note",
        "## Why it matters\n\nOurs.",
        0,
        "en",
    )
    task = _task(org, make_user(org, "agency"), category="page_speed")
    db.session.commit()
    login(client, cio.email)
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    assert "Our own speed note" not in page
    assert "Почему это важно: Почему быстрая страница окупается" in page
    assert "В Acme переписали эту заметку только на английском" in page
    assert "/orgs/acme/notes/page_speed?language=en" in page
    assert "показываем её на английском" not in page
    english = client.get(f"/orgs/acme/tasks/{task.id}", headers={"Accept-Language": "en"})
    assert "Почему быстрая" in english.text  # the profile's language wins over the browser's


def test_a_note_without_a_text_in_the_readers_language_says_so(app):
    note = {
        "category": "page_speed",
        "title": "Why a faster page pays",
        "kpis": [],
        "body_html": "<p>English text</p>",
        "version": 0,
        "state": "unread",
        "read_at": None,
        "can_mark_read": False,
        "can_edit": False,
        "in_english_only": True,
    }
    with app.test_request_context(headers=RUSSIAN):
        refresh()
        shown = render_template("notes/task_note.html", note=note, org=None, task=None)
    assert "У заметки collab для этого вида работы пока нет текста на вашем языке" in shown


def test_the_api_answers_the_note_in_the_asking_persons_language(app, client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    task = _task(org, make_user(org, "agency"), category="page_speed")
    headers = bearer(cio)
    english = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=headers).json
    russian = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=headers | RUSSIAN).json
    assert english["training_note"]["title"] == "Why a faster page pays"
    assert russian["training_note"]["title"] == "Почему быстрая страница окупается"
    assert russian["training_note"]["why"].startswith("Largest Contentful Paint показывает")
    assert russian["status"] == english["status"] == "triage"  # the machine's words never change


def test_what_a_note_fills_in_reads_as_the_library_writes_it_in_english_and_russian(app):
    from collab.training import library, phrases

    results = [
        {"metric": "leads", "change_pct": 12.0, "verdict": "improved"},
        {"metric": "leads", "change_pct": -3.0, "verdict": "inconclusive"},
        {"metric": "bounce_rate", "change_pct": 1.0, "verdict": "no_change"},
        {"metric": "demo_requests", "change_pct": None, "verdict": None},
    ]
    with app.test_request_context():
        refresh()
        assert phrases.measured(results) == library.measured_summary(results)
        assert phrases.history(results) == library.history_summary(results)
        assert [phrases.url_count(n) for n in (0, 1, 1234)] == [
            library._url_count(n) for n in (0, 1, 1234)
        ]
        assert phrases.due_date(date(2026, 3, 1)) == library._due_date(date(2026, 3, 1))
        figures = {"leads": 42.0, "spend": 1250.0}
        assert phrases.kpi_sentence(figures, "USD") == library.kpi_sentence(figures, "USD")
    with app.test_request_context(headers=RUSSIAN):
        refresh()
        assert phrases.url_count(1234) == "1\u00a0234 затронутых URL"
        assert phrases.due_date(date(2026, 3, 1)) == "1 марта 2026"
        assert (
            phrases.kpi_sentence(figures, "USD")
            == "Сегодня: лиды 42, расходы 1\u00a0250,00\u00a0$."
        )
        assert phrases.measured(results[:1]) == "- лиды +12,0\u00a0% (улучшилось)"
