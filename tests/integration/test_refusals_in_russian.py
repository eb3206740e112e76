"""Refusals raised by capability code read in the asker's language through the API and the
pages; the API keeps its codes and field keys, and English when no language is asked."""

from __future__ import annotations

import io

import pytest
from markupsafe import escape

from collab.platform.extensions import db
from tests.support.factories import (
    bearer,
    form_post,
    login,
    make_org,
    make_recommendation,
    make_user,
)


def test_a_missing_task_and_a_refused_comment_speak_the_askers_language(app, client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    agency = make_user(org, "agency")
    (task,) = make_recommendation(org, cio, title="Compress images on the blog").tasks
    headers = bearer(cio)

    missing = client.get("/api/v1/orgs/acme/tasks/999999", headers=headers)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert missing.json["error"]["message"] == (
        "there is no task #999999 here; check the task's number"
    )
    missing = client.get(
        "/api/v1/orgs/acme/tasks/999999", headers=headers | {"Accept-Language": "ru"}
    )
    assert missing.json["error"]["message"] == "задачи №999999 здесь нет; проверьте номер задачи"

    agency.language = "ru"  # the profile's language wins over the browser's
    db.session.commit()
    internal = client.post(
        f"/api/v1/orgs/acme/tasks/{task.id}/comments",
        json={"body": "Only for us", "internal": True},
        headers=bearer(agency) | {"Accept-Language": "en"},
    )
    assert internal.status_code == 403 and internal.json["error"]["code"] == "forbidden"
    assert internal.json["error"]["message"] == (
        "агентство не пишет внутренние комментарии; напишите комментарий, который видят все"
    )


def test_the_last_director_is_kept_in_the_readers_language(client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    cio.language = "ru"
    db.session.commit()
    login(client, cio.email)
    member_id = cio.memberships[0].id
    demote = form_post(
        client,
        "/orgs/acme/people/",
        f"/orgs/acme/people/{member_id}/role",
        {f"m{member_id}-role": "it"},
    )
    assert demote.status_code == 422
    assert escape("сначала назначьте другого CIO или CMO") in demote.text


def test_a_note_restore_refusal_reads_in_the_readers_language(client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    cio.language = "ru"
    db.session.commit()
    login(client, cio.email)
    note = "/orgs/acme/notes/meta_tags"
    again = form_post(client, note, note + "/revert", {"version": "0"})
    assert again.status_code == 303
    assert escape("этот текст уже текущий; выберите для восстановления другую версию") in (
        client.get(note).text
    )


def _refused_in_both(ask, fields: set[str]) -> dict[str, dict]:
    """The API's 422 for the same request asked in English and in Russian: the same code and
    field keys in both, the words in each."""
    said = {}
    for language in ("en", "ru"):
        answer = ask({"Accept-Language": language})
        assert answer.status_code == 422
        error = answer.json["error"]
        assert error["code"] == "validation_failed" and set(error["fields"]) == fields
        said[language] = error
    return said


@pytest.mark.parametrize(
    ("path", "content", "name", "english", "russian"),
    [
        (
            "kpis/files",
            b"%PDF-1.7 ...",
            "report.pdf",
            "report.pdf: this is a PDF document",
            "report.pdf: это документ PDF",
        ),
        (
            "audits",
            b"   ",
            "report.json",
            "report.json: is empty: export the report again",
            "report.json: файл пуст: экспортируйте отчёт заново",
        ),
    ],
)
def test_a_refused_file_speaks_the_askers_language_and_keeps_its_field(
    client, path, content, name, english, russian
):
    org = make_org("acme")
    headers = bearer(make_user(org, "agency"))
    said = _refused_in_both(
        lambda language: client.post(
            f"/api/v1/orgs/acme/{path}",
            data={"file": [(io.BytesIO(content), name)]},
            headers=headers | language,
            content_type="multipart/form-data",
        ),
        {"file"},
    )
    assert (said["en"]["fields"]["file"], said["ru"]["fields"]["file"]) == (english, russian)


def test_a_kpi_listing_refusal_names_the_value_in_the_askers_language(client):
    org = make_org("acme")
    headers = bearer(make_user(org, "cio"))
    said = _refused_in_both(
        lambda language: client.get(
            "/api/v1/orgs/acme/kpis?metric=leeds", headers=headers | language
        ),
        {"metric"},
    )
    assert said["en"]["fields"]["metric"].startswith("unknown metric 'leeds'; choose one of ")
    assert said["ru"]["fields"]["metric"].startswith(
        "неизвестная метрика 'leeds'; выберите одну из: "
    )


def test_kpi_rows_are_refused_in_the_askers_language_under_the_same_keys(client):
    org = make_org("acme")
    headers = bearer(make_user(org, "agency"))
    body = {
        "observations": [
            {"metric": "leads", "date": "2026-01-05", "value": "seven"},
            {"metric": "leads", "date": "2026-02-30", "value": 1},
        ]
    }
    said = _refused_in_both(
        lambda language: client.post(
            "/api/v1/orgs/acme/kpis", json=body, headers=headers | language
        ),
        {"observations[0].value", "observations[1].date"},
    )
    assert said["en"]["fields"]["observations[0].value"] == "not a number"  # as API.md quotes
    assert said["en"]["message"] == "2 problems in the KPI data; nothing was imported"
    assert said["ru"]["fields"] == {
        "observations[0].value": "не число",
        "observations[1].date": "2026-02-30 — несуществующая дата",
    }
    assert said["ru"]["message"] == "ошибок в данных KPI: 2; ничего не импортировано"


def test_a_malformed_api_body_is_refused_in_the_askers_language(client):
    org = make_org("acme")
    headers = bearer(make_user(org, "agency"))
    said = _refused_in_both(
        lambda language: client.post(
            "/api/v1/orgs/acme/recommendations", json={"title": 5}, headers=headers | language
        ),
        {"title"},
    )
    assert (said["en"]["message"], said["en"]["fields"]["title"]) == (
        "the request body is not valid",
        "a string",
    )
    assert (said["ru"]["message"], said["ru"]["fields"]["title"]) == (
        "тело запроса неверно",
        "ожидается строка",
    )
