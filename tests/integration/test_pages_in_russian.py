"""Every main page answers in Russian to a Russian-speaking director, its title translated
and what people typed (a recommendation's title, a note's title) left as typed."""

import re

from collab.platform.extensions import db
from tests.integration.test_pages_web import NOTE_TITLE, _edit_note, _world, main_pages
from tests.support.factories import login

RUSSIAN_TITLES = {
    "/orgs/acme/board": "Доска",
    "/orgs/acme/recommendations/new": "Добавить рекомендацию",
    "/orgs/acme/board/more?status=triage&lane=it&offset=0": "Ещё карточки",
    "/orgs/acme/settings/": "Настройки",
    "/orgs/acme/people/": "Сотрудники",
    "/orgs/acme/notifications/": "Уведомления",
    "/orgs/acme/notes/": "Обучающие заметки",
    "/orgs/acme/notes/mine": "Моё обучение",
    "/orgs/acme/notes/page_speed/edit": f"Правка: {NOTE_TITLE}",
    "/orgs/acme/notes/page_speed/diff": f"Изменения: {NOTE_TITLE}",
    "/orgs/acme/kpis/": "KPI",
    "/orgs/acme/kpis/import": "Импорт KPI",
    "/orgs/acme/kpis/grid": "KPI по месяцам",
    "/orgs/acme/kpis/map": "На что должна влиять каждая работа",
}
TITLE = re.compile(r"<title>(.*?) · Acme · collab</title>", re.S)


def test_every_main_page_speaks_russian_to_a_russian_speaking_director(app, client):
    people, recommendation = _world()
    people["cio"].language = "ru"
    db.session.commit()
    login(client, people["cio"].email)
    _edit_note(client)
    for path, english in main_pages(recommendation).items():
        page = client.get(path)
        assert page.status_code == 200, path
        assert '<html lang="ru">' in page.text, path
        title = TITLE.search(page.text).group(1)
        assert title == RUSSIAN_TITLES.get(path, english), path
    for path in (
        "/",
        "/profile/",
        "/orgs/acme/audits/",
        "/orgs/acme/audits/settings",
        "/orgs/acme/audit/",
        "/orgs/acme/reports/monthly",
        "/orgs/acme/settings/webhooks/",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert '<html lang="ru">' in page.text, path


def test_a_form_mistake_is_said_in_russian_beside_its_field(app, client):
    from tests.support.factories import form_post, make_org, make_user

    org = make_org("acme")
    agency = make_user(org, "agency")
    agency.language = "ru"
    db.session.commit()
    login(client, agency.email)
    refused = form_post(
        client,
        "/orgs/acme/recommendations/new",
        "/orgs/acme/recommendations/new",
        {"title": "  ", "urls": "ftp://old.example/a", "priority": "medium"},
    )
    assert refused.status_code == 422
    assert '<label for="title">Заголовок</label>' in refused.text
    assert "Заголовок: дайте рекомендации заголовок." in refused.text
    refused = form_post(
        client,
        "/orgs/acme/recommendations/new",
        "/orgs/acme/recommendations/new",
        {"title": "Ускорить сайт", "urls": "ftp://old.example/a", "priority": "medium"},
    )
    assert refused.status_code == 422
    assert "это не абсолютный http(s) URL" in refused.text
