"""What collab says about imports and refusals reads in the reader's language: an audit
import's page, the lines it adds to a task's history and its notice; the refusals of the
webhook settings and of the KPI import page. The JSON API keeps its codes and fields."""

from __future__ import annotations

import io

from markupsafe import escape
from sqlalchemy import select

from collab.models import Notification, Task
from collab.platform.extensions import db
from tests.support.audits import lighthouse
from tests.support.factories import bearer, csrf_from, form_post, login, make_org, make_user


def _import(client, headers, report: bytes):
    answer = client.post(
        "/api/v1/orgs/acme/audits",
        data={"file": [(io.BytesIO(report), "report.json")]},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert answer.status_code in (200, 201), answer.json
    return answer.json


def test_an_audit_import_reads_in_russian_to_a_russian_speaking_director(app, client):
    org = make_org("acme")
    agency = make_user(org, "agency")
    cio = make_user(org, "cio")
    cio.language = "ru"
    db.session.commit()
    first = _import(client, bearer(agency), lighthouse("2026-05-01T08:00:00Z"))
    fixed = {f["key"]: f["recommendation_id"] for f in first["findings"]}["is-on-https"]
    task = db.session.scalar(select(Task).where(Task.recommendation_id == fixed))
    later = _import(
        client, bearer(agency), lighthouse("2026-05-20T08:00:00Z", passing=("is-on-https",))
    )
    assert later["resolved"] == [fixed]

    login(client, cio.email)
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    assert "исправление подтверждено аудитом от 2026-05-20" in page
    assert "Аудит Lighthouse (раздел «рекомендации») `is-on-https`" in page
    shown = client.get(f"/orgs/acme/audits/{later['id']}").text
    assert "Исправление подтверждено: больше не находится (1)" in shown
    notice = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == cio.id, Notification.kind == "audit_imported")
        .order_by(Notification.id.desc())
    ).first()
    assert notice.text.startswith("Аудит от 2026-05-20 импортировал(а)")
    assert "похоже, исправлены (1; закройте, если согласны)" in notice.text

    english = app.test_client()
    login(english, agency.email)
    page = english.get(f"/orgs/acme/tasks/{task.id}").text
    assert "verified by the audit of 2026-05-20" in page
    assert "Lighthouse best-practices audit `is-on-https`" in page


def test_webhook_and_kpi_refusals_speak_the_readers_language(app, client):
    org = make_org("acme")
    cio = make_user(org, "cio")
    cio.language = "ru"
    db.session.commit()
    login(client, cio.email)
    page = "/orgs/acme/settings/webhooks/"
    refused = form_post(client, page, page, {"url": "ftp://example.com/", "events": ["task.done"]})
    assert refused.status_code == 422
    assert "вебхуки принимают только URL с http:// и https:// (у этого — ftp:)" in refused.text

    form = client.get("/orgs/acme/kpis/import")
    empty = client.post(
        "/orgs/acme/kpis/import",
        data={"csrf_token": csrf_from(form.text), "file": (io.BytesIO(b" "), "empty.csv")},
        content_type="multipart/form-data",
    )
    assert empty.status_code == 422
    assert escape("Импортировать нечего: выберите файл (или вставьте его строки).") in empty.text

    # The API keeps its code and fields; its words follow the asker's language (their
    # profile's, else Accept-Language), English when they chose none.
    cmo = make_user(org, "cmo")
    body = {"url": "ftp://example.com/", "events": ["task.done"]}
    said = {}
    for who in (cio, cmo):
        answer = client.post("/api/v1/orgs/acme/webhooks", json=body, headers=bearer(who))
        assert answer.status_code == 422
        error = answer.json["error"]
        assert error["code"] == "validation_failed" and set(error["fields"]) == {"url"}
        said[who.id] = error["fields"]["url"]
    assert said[cio.id] == "вебхуки принимают только URL с http:// и https:// (у этого — ftp:)"
    assert said[cmo.id] == "only http:// and https:// URLs can receive webhooks (this one is ftp:)"
