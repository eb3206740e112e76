"""A person edits their own name, time zone and language, and hears about mistakes in it."""

import html

from collab.models import User
from collab.platform.extensions import db
from tests.support.factories import PASSWORD, form_post, login, make_org, make_user

RUSSIAN_BROWSER = {"Accept-Language": "ru-RU,ru;q=0.9"}


def _signed_in(client, **headers):
    org = make_org()
    person = make_user(org, "cmo")
    login(client, person.email)
    if headers:
        client.environ_base.update(headers)
    return person


def _details(client, **fields):
    data = {"name": "Ирина Петрова", "time_zone": "", "language": "", **fields}
    return form_post(client, "/profile/", "/profile/details", data)


def test_name_time_zone_and_language_are_saved_and_used(app, client):
    person = _signed_in(client)
    saved = _details(client, name="Ирина Петрова", time_zone="Europe/Moscow", language="ru")
    assert saved.status_code == 303
    stored = db.session.get(User, person.id)
    assert (stored.name, stored.time_zone, stored.language) == (
        "Ирина Петрова",
        "Europe/Moscow",
        "ru",
    )
    page = client.get("/profile/")
    assert '<html lang="ru">' in page.text
    assert "Ваши данные сохранены." in page.text  # said in the language just chosen
    assert "Ирина Петрова" in page.text  # what people type stays as typed
    assert '<option selected value="Europe/Moscow">' in page.text


def test_no_choice_follows_the_browser_and_utc(app, client):
    person = _signed_in(client, HTTP_ACCEPT_LANGUAGE="ru")
    person.language, person.time_zone = "en", "Asia/Tokyo"
    db.session.commit()
    _details(client, name="Irina", time_zone="", language="")
    stored = db.session.get(User, person.id)
    assert (stored.time_zone, stored.language) == (None, None)
    assert '<html lang="ru">' in client.get("/profile/").text


def test_mistakes_are_told_on_their_fields_in_the_persons_language(app, client):
    person = _signed_in(client, HTTP_ACCEPT_LANGUAGE="ru")
    refused = _details(client, name="   ", time_zone="Mars/Olympus", language="de")
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert "Имя: укажите имя, под которым вас знают коллеги." in text
    assert "Часовой пояс: выберите пояс из списка, например Europe/Moscow." in text
    assert "Язык: выберите английский, русский или язык браузера." in text
    assert db.session.get(User, person.id).time_zone is None  # nothing half-saved


def test_the_same_mistakes_in_english(app, client):
    _signed_in(client, HTTP_ACCEPT_LANGUAGE="en")
    refused = _details(client, name="x" * 201, time_zone="europe/moscow")
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert "Name: shorten it to 200 characters or fewer." in text
    assert "Time zone: choose one from the list, such as Europe/Moscow." in text


def test_password_mistakes_in_russian(app, client):
    _signed_in(client, HTTP_ACCEPT_LANGUAGE="ru")

    def change(current, new, confirm):
        data = {"current": current, "password": new, "confirm": confirm}
        return form_post(client, "/profile/", "/profile/password", data)

    wrong = change("not-my-password", "a-new-long-password", "a-new-long-password")
    assert wrong.status_code == 422
    assert "это не ваш пароль" in wrong.text
    short = change(PASSWORD, "short", "short")
    assert "Новый пароль: от 10 до 200 символов." in short.text
    differ = change(PASSWORD, "a-new-long-password", "another-long-one")
    assert "Пароли не совпадают: введите новый пароль ещё раз." in differ.text
    empty = change("", "a-new-long-password", "a-new-long-password")
    assert "Введите текущий пароль." in empty.text
    done = change(PASSWORD, "a-new-long-password", "a-new-long-password")
    assert done.status_code == 303
    assert "Пароль изменён." in client.get("/profile/").text
