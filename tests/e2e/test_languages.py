"""In Chromium: a Russian-speaking director works in Russian, an English-speaking one in
English; what people typed stays as typed in both."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.support.factories import PASSWORD, make_org, make_recommendation, make_user

TITLE = "Ускорить загрузку главной страницы"  # typed by the agency: never translated

WORDS = {
    "ru-RU": {
        "lang": "ru",
        "email": "Почта",
        "password": "Пароль",
        "sign_in": "Войти",
        "sign_out": "Выйти",
        "board": "Acme: доска",
        "columns": ("Сортировка", "К выполнению", "В работе", "На проверке", "Готово"),
        "lane": "Сортировка, ИТ",
        "facts": ("Статус", "Команда", "Приоритет", "Почему сюда"),
        "due": "Срок",
        "save": "Сохранить",
        "past_due": "уже прошло: задача будет просрочена с самого начала",
        "day": "%d.%m.%Y",
        "switch_to": "English",
    },
    "en-GB": {
        "lang": "en",
        "email": "E-mail",
        "password": "Password",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "board": "Acme: board",
        "columns": ("Triage", "To do", "In progress", "Review", "Done"),
        "lane": "Triage, IT",
        "facts": ("Status", "Team", "Priority", "Why routed here"),
        "due": "Due date",
        "save": "Save",
        "past_due": "has already passed: the task would be overdue from the start",
        "day": "%Y-%m-%d",
        "switch_to": "Русский",
    },
}


@pytest.mark.parametrize("browser_locale", ["ru-RU", "en-GB"])
def test_a_director_works_in_their_browsers_language(live_server, browser, browser_locale):
    words = WORDS[browser_locale]
    base = live_server.url
    with live_server.app.app_context():
        org = make_org("acme")
        make_user(org, "cio", email="cio@acme.example")
        agency = make_user(org, "agency", email="am@agency.example")
        make_recommendation(org, agency, title=TITLE, category="page_speed")
    context = browser.new_context(locale=browser_locale)
    page = context.new_page()

    # Signing in, in the browser's language.
    page.goto(base + "/orgs/acme/board")
    expect(page.locator("html")).to_have_attribute("lang", words["lang"])
    page.get_by_label(words["email"]).fill("cio@acme.example")
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["sign_in"]).click()

    # The board: its columns and lanes in that language, the agency's title as typed.
    expect(page.get_by_role("heading", name=words["board"])).to_be_visible()
    for column in words["columns"]:
        expect(page.get_by_role("heading", name=column, exact=False).first).to_be_visible()
    card = page.get_by_role("list", name=words["lane"]).get_by_role("link", name=TITLE)
    expect(card).to_be_visible()

    # The task page.
    card.click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    for fact in words["facts"]:
        expect(page.locator("dt", has_text=fact).first).to_be_visible()

    # A form's mistake, said in that language on its field, the date written its way.
    past = date.today() - timedelta(days=3)
    page.get_by_label(words["due"], exact=True).fill(past.isoformat())
    page.get_by_role("button", name=words["save"], exact=True).click()
    expect(page.get_by_text(words["past_due"])).to_be_visible()
    expect(page.get_by_text(past.strftime(words["day"]), exact=False).first).to_be_visible()

    # The header's switch changes the language, and the profile keeps it.
    page.get_by_role("button", name=words["switch_to"]).click()
    other = "en" if words["lang"] == "ru" else "ru"
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(page).to_have_url(re.compile(r"/orgs/acme/tasks/\d+"))
    with live_server.app.app_context():
        from collab.accounts.people import user_by_email

        assert user_by_email("cio@acme.example").language == other
    context.close()
