"""Texts collab builds from data read in the reader's language: why routing chose a team,
on the task page, the recommendation page and the API."""

from markupsafe import escape

from collab.platform.extensions import db
from tests.support.factories import bearer, login, make_org, make_recommendation, make_user

ENGLISH = "page speed, owned by IT: matched 'compress images'"
RUSSIAN = "скорость страниц, отвечает команда ИТ: найдено «compress images»"


def test_the_routing_reason_reads_in_each_readers_language(app, client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    agency = make_user(org, "agency")
    cio.language = "ru"
    db.session.commit()
    recommendation = make_recommendation(org, agency, title="Compress images on the blog")
    (task,) = recommendation.tasks
    assert task.routing_reason == ENGLISH  # kept in English for readers that do not word it

    login(client, cio.email)
    page = client.get(f"/orgs/acme/tasks/{task.id}")
    assert escape(RUSSIAN) in page.text
    page = client.get(f"/orgs/acme/recommendations/{recommendation.id}")
    assert escape(RUSSIAN) in page.text

    # The API keeps the field; its words follow the asker's language like its messages.
    headers = bearer(agency)
    answer = client.get(f"/api/v1/orgs/acme/tasks/{task.id}", headers=headers).json
    assert answer["routing"]["reason"] == ENGLISH
    answer = client.get(
        f"/api/v1/orgs/acme/tasks/{task.id}", headers=headers | {"Accept-Language": "ru"}
    ).json
    assert answer["routing"]["reason"] == RUSSIAN


def test_a_task_routed_before_reads_its_stored_english(app, client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    cio.language = "ru"
    recommendation = make_recommendation(org, cio, title="Compress images on the blog")
    (task,) = recommendation.tasks
    # As the migration leaves a task routed before: no rule, the sentence it was stored with.
    task.routing_rule, task.routing_terms = None, None
    task.routing_reason = "speed work, owned by IT: matched 'compress images'"
    db.session.commit()
    login(client, cio.email)
    page = client.get(f"/orgs/acme/tasks/{task.id}")
    assert escape("speed work, owned by IT: matched 'compress images'") in page.text
