"""Which language a page speaks: the profile's, else the header switch's, else the browser's."""

from datetime import date, datetime

import pytest
from flask import render_template_string
from flask_babel import get_locale, refresh

from collab.models import User
from collab.platform.extensions import db
from collab.platform.i18n import speaking
from collab.web import filters
from tests.support.factories import csrf_from, login, make_org, make_user

RUSSIAN_BROWSER = {"Accept-Language": "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"}
ENGLISH_BROWSER = {"Accept-Language": "en-GB,en;q=0.9"}


def _board(org):
    return f"/orgs/{org.slug}/board"


def test_a_visitor_gets_the_language_their_browser_asks_for(client):
    russian = client.get("/login", headers=RUSSIAN_BROWSER)
    assert '<html lang="ru">' in russian.text
    english = client.get("/login", headers=ENGLISH_BROWSER)
    assert '<html lang="en">' in english.text


def test_english_when_the_browser_asks_for_nothing_collab_speaks(client):
    page = client.get("/login", headers={"Accept-Language": "de-DE,fr;q=0.8"})
    assert '<html lang="en">' in page.text
    assert '<html lang="en">' in client.get("/login").text


def test_the_header_switch_keeps_a_visitors_choice_over_their_browser(client):
    page = client.get("/login?next=/x", headers=ENGLISH_BROWSER)
    switched = client.post(
        "/language",
        data={"language": "ru", "next": "/login?next=/x", "csrf_token": csrf_from(page.text)},
        headers=ENGLISH_BROWSER,
    )
    assert switched.status_code == 303
    assert switched.headers["Location"] == "/login?next=/x"
    again = client.get("/login", headers=ENGLISH_BROWSER)
    assert '<html lang="ru">' in again.text


def test_the_switch_refuses_a_forged_post_and_sends_nobody_off_site(client):
    assert client.post("/language", data={"language": "ru"}).status_code == 400
    page = client.get("/login")
    away = client.post(
        "/language",
        data={"language": "ru", "next": "//evil.example/", "csrf_token": csrf_from(page.text)},
    )
    assert away.status_code == 303
    assert away.headers["Location"] == "/"


def test_the_profiles_language_beats_the_browsers(app, client):
    org = make_org()
    director = make_user(org, "cio")
    director.language = "ru"
    db.session.commit()
    login(client, director.email)
    page = client.get(_board(org), headers=ENGLISH_BROWSER)
    assert '<html lang="ru">' in page.text
    assert ">Доска<" in page.text
    assert ">Выйти<" in page.text


def test_a_signed_in_persons_switch_goes_to_their_profile(app, client):
    org = make_org()
    director = make_user(org, "cmo")
    login(client, director.email)
    page = client.get(_board(org), headers=RUSSIAN_BROWSER)
    assert '<html lang="ru">' in page.text  # no choice yet: the browser's
    client.post(
        "/language",
        data={"language": "en", "next": _board(org), "csrf_token": csrf_from(page.text)},
        headers=RUSSIAN_BROWSER,
    )
    assert db.session.get(User, director.id).language == "en"
    assert '<html lang="en">' in client.get(_board(org), headers=RUSSIAN_BROWSER).text


def test_dates_numbers_and_money_are_written_the_readers_way(app):
    moment = datetime(2026, 3, 1, 14, 5)
    # The fixture's app context outlives these requests: forget its cached locale each time.
    with app.test_request_context(headers=ENGLISH_BROWSER):
        refresh()
        assert str(get_locale()) == "en"
        assert filters.date(date(2026, 3, 1)) == "2026-03-01"
        assert filters.date(date(2026, 3, 1), "month") == "March 2026"
        assert filters.datetime(moment) == "2026-03-01 14:05 UTC"
        assert filters.number(1234.56) == "1,235"
        assert filters.number(12.34) == "12.3"
        assert filters.percent(66.7, 1) == "66.7%"
        assert filters.money(1250.5, "USD") == "$1,250.50"
        assert filters.money(1250.5, "RUB") == "1,250.50\u00a0₽"
    with app.test_request_context(headers=RUSSIAN_BROWSER):
        refresh()
        assert str(get_locale()) == "ru"
        assert filters.date(date(2026, 3, 1)) == "01.03.2026"
        assert filters.date(date(2026, 3, 1), "month") == "март 2026"
        assert filters.date(date(2026, 3, 1), "iso") == "2026-03-01"  # a date input's value
        assert filters.datetime(moment) == "01.03.2026 14:05 UTC"
        assert filters.number(1234.56) == "1\u00a0235"
        assert filters.number(12.34) == "12,3"
        assert filters.percent(66.7, 1) == "66,7\u00a0%"
        assert filters.money(1250.5, "USD") == "1\u00a0250,50\u00a0$"
        assert filters.money(1250.5, "RUB") == "1\u00a0250,50\u00a0₽"


def test_moments_show_in_the_profiles_time_zone(app, client):
    org = make_org()
    director = make_user(org, "cio")
    director.time_zone = "Europe/Moscow"
    db.session.commit()
    with app.test_request_context():
        from flask_login import login_user

        login_user(director)
        refresh()
        assert filters.datetime(datetime(2026, 3, 1, 14, 5)) == "2026-03-01 17:05 MSK"


def test_the_switch_on_a_refused_forms_answer_returns_to_the_page_that_posted_it(client):
    page = client.get("/login")
    switched = client.post(
        "/language",
        data={"language": "ru", "next": "", "csrf_token": csrf_from(page.text)},
        headers={"Referer": "http://localhost/password/forgot"},
    )
    assert switched.headers["Location"] == "/password/forgot"
    elsewhere = client.post(
        "/language",
        data={"language": "ru", "next": "", "csrf_token": csrf_from(page.text)},
        headers={"Referer": "https://evil.example/phish"},
    )
    assert elsewhere.headers["Location"] == "/"


def test_an_error_page_speaks_the_readers_language(client):
    missing = client.get("/orgs/nowhere/board/nothing", headers=RUSSIAN_BROWSER)
    assert missing.status_code == 404
    assert "<h1>Страница не найдена</h1>" in missing.text
    assert "<h1>Not Found</h1>" in client.get("/orgs/nowhere/board/nothing").text


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_template_speaks_whichever_language_is_being_written_in_within_one_request(app):
    # Templates keep each language's catalogue: an e-mail to a Russian reader rendered
    # inside an English reader's request must still read Russian, and the page English.
    page = (
        "{{ _('Board') }} / "
        "{{ ngettext('collab digest: %(num)s item', 'collab digest: %(num)s items', 5) }}"
    )
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = render_template_string(page)
        with speaking("ru"):
            russian = render_template_string(page)
        again = render_template_string(page)
    assert english == again == "Board / collab digest: 5 items"
    assert russian == "Доска / Сводка collab: 5 пунктов"
