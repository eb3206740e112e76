"""The private calendar feed: turned on from the profile, read by a real iCalendar parser,
its address revocable."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from collab.platform.extensions import db
from tests.support.factories import form_post, login, make_org, make_recommendation, make_user


@pytest.fixture
def person(app):
    org = make_org("acme")
    cio = make_user(org, "cio")
    dev = make_user(org, "it", email="dev@example.com")
    for title, due, status in (
        ("Fix the 404s; then, report back", "2030-05-01", "todo"),
        ("Compress the hero images", "2030-04-02", "in_progress"),
        ("Already done", "2030-04-03", "done"),
    ):
        task = make_recommendation(org, cio, title=title).tasks[0]
        task.assignee_id = dev.id
        task.due_date = dt.date.fromisoformat(due)
        task.status = status
    make_recommendation(org, cio, title="Someone else's", due_date="2030-04-04")
    db.session.commit()
    return org, dev


def _feed_url(client) -> str:
    page = client.get("/profile/")
    marker = 'readonly value="'
    start = page.text.index(marker) + len(marker)
    return page.text[start : page.text.index('"', start)]


def test_the_feed_lists_my_open_due_dates_for_a_real_parser(app, person):
    org, dev = person
    client = app.test_client()
    login(client, dev.email)
    assert "Turn on my calendar feed" in client.get("/profile/").text
    turned = form_post(client, "/profile/", "/profile/calendar", {})
    assert turned.status_code == 303
    url = _feed_url(client)
    assert url.startswith(app.config["BASE_URL"] + "/calendar/") and url.endswith(".ics")

    anonymous = app.test_client()  # calendar apps carry no session
    response = anonymous.get(url.removeprefix(app.config["BASE_URL"]))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "Due: Compress the hero images",
        "Due: Fix the 404s; then, report back",  # ';' and ',' escaped and read back
    ]
    first = events[0]
    assert first.decoded("dtstart") == dt.date(2030, 4, 2)
    assert first.decoded("dtend") == dt.date(2030, 4, 3)
    assert str(first["uid"]).startswith("task-")
    assert "/orgs/acme/tasks/" in str(first["url"])
    assert str(first["description"]).startswith("Acme · IT · In progress · Priority: ")
    assert "Last read by a calendar" in client.get("/profile/").text


def test_the_feed_speaks_its_owners_language_whoever_asks(app, person):
    _, dev = person
    dev.language = "ru"
    db.session.commit()
    client = app.test_client()
    login(client, dev.email)
    form_post(client, "/profile/", "/profile/calendar", {})
    url = _feed_url(client).removeprefix(app.config["BASE_URL"])

    # A calendar app sends no session and its own Accept-Language.
    answer = app.test_client().get(url, headers={"Accept-Language": "en-US"})

    calendar = Calendar.from_ical(answer.data)
    assert str(calendar["x-wr-calname"]) == "collab: мои сроки"
    first = calendar.walk("VEVENT")[0]
    assert str(first["summary"]) == "Срок: Compress the hero images"  # the title as typed
    assert str(first["description"]).startswith("Acme · ИТ · В работе · Приоритет: ")


def test_a_new_address_ends_the_old_one_and_turning_off_ends_both(app, person):
    _, dev = person
    client = app.test_client()
    login(client, dev.email)
    form_post(client, "/profile/", "/profile/calendar", {})
    old = _feed_url(client).removeprefix(app.config["BASE_URL"])
    form_post(client, "/profile/", "/profile/calendar", {})
    new = _feed_url(client).removeprefix(app.config["BASE_URL"])
    assert new != old
    reader = app.test_client()
    assert reader.get(old).status_code == 404
    assert reader.get(new).status_code == 200
    form_post(client, "/profile/", "/profile/calendar/off", {})
    assert reader.get(new).status_code == 404
    assert "Turn on my calendar feed" in client.get("/profile/").text


@pytest.mark.parametrize("token", ["1-nope", "x-y", "1", "99999999999999999999-a", "-"])
def test_guessed_addresses_find_nothing(app, person, token):
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_a_deactivated_person_has_no_feed(app, person):
    _, dev = person
    client = app.test_client()
    login(client, dev.email)
    form_post(client, "/profile/", "/profile/calendar", {})
    url = _feed_url(client).removeprefix(app.config["BASE_URL"])
    dev.active = False
    db.session.commit()
    assert app.test_client().get(url).status_code == 404


def test_a_token_in_another_script_finds_nothing(app, person):
    assert app.test_client().get("/calendar/1-%D0%B0%D0%B1.ics").status_code == 404
