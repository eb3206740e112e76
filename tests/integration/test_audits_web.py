"""The import page: drop files, preview what they would do, confirm (plain form posts, no
JavaScript); read an import and undo it; the organisation's audit settings."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from collab.models import Recommendation, Task
from collab.models.site_audits import AuditImport, AuditRouting, AuditSite
from collab.platform.extensions import db
from tests.support.audits import fixture, lighthouse
from tests.support.factories import csrf_from, form_post, login, make_org, make_user

PAGE = "/orgs/acme/audits/"


def _people():
    org = make_org("acme")
    agency = make_user(org, "agency", email="am@agency.example")
    cio = make_user(org, "cio", email="cio@acme.example")
    return org, agency, cio


def _preview(client, *files, **fields):
    page = client.get(PAGE)
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_from(page.text),
        "file": [(io.BytesIO(body), name) for name, body in files],
        **fields,
    }
    return client.post(PAGE + "preview", data=data, content_type="multipart/form-data")


def _confirm(client, preview_html: str, **fields):
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview_html).group(1)
    return client.post(
        PAGE + "confirm",
        data={"csrf_token": csrf_from(preview_html), "token": token, **fields},
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_agency_previews_then_confirms(client):
    org, agency, cio = _people()
    login(client, agency.email)
    preview = _preview(client, ("v13.json", fixture("lighthouse/v13_desktop.json")))
    assert preview.status_code == 200, preview.text
    html = preview.text
    assert "New recommendations (" in html
    assert "Does not use HTTPS" in html
    assert "IT · Technical SEO" in html
    assert "Lighthouse best-practices audit `is-on-https`" in html or "is-on-https" in html
    assert "Marketing · Meta tags" in html  # meta-description goes to marketing
    assert _count(Recommendation) == 0  # a preview writes nothing

    done = _confirm(client, html)
    assert done.status_code == 303
    show = client.get(done.headers["Location"])
    assert "Imported: " in show.text and "New recommendations" in show.text
    assert _count(Recommendation) > 0
    record = db.session.scalar(select(AuditImport))
    assert record.imported_by_id == agency.id
    # Each page of a recommendation carries the tool's figures.
    unused = db.session.scalar(
        select(Recommendation.id).where(Recommendation.title == "Reduce unused JavaScript")
    )
    page = client.get(f"/orgs/acme/recommendations/{unused}")
    assert "saves ~580 ms, 92 KB; desktop" in page.text
    # Confirming the same token again finds nothing kept.
    again = _confirm(client, html)
    assert again.status_code == 303 and again.headers["Location"].endswith(PAGE)
    assert _count(AuditImport) == 1

    # The same files again: the preview says nothing would change.
    repeat = _preview(client, ("v13.json", fixture("lighthouse/v13_desktop.json")))
    assert "importing them again creates and changes nothing" in repeat.text


def test_a_broken_file_is_named_on_the_page(client):
    org, agency, cio = _people()
    login(client, agency.email)
    response = _preview(client, ("notes.json", b'{"audits": '))
    assert response.status_code == 422
    assert "Nothing was imported" in response.text
    assert "notes.json: is cut short" in response.text


def test_a_new_host_needs_a_director_who_ticks_it(client):
    org, agency, cio = _people()
    login(client, agency.email)
    _confirm(client, _preview(client, ("a.json", lighthouse())).text)
    elsewhere = ("b.json", lighthouse("2026-05-01T00:00:00Z", url="https://client-b.example/"))
    refused = _preview(client, elsewhere)
    assert refused.status_code == 422
    assert "b.json: has pages on client-b.example" in refused.text
    assert "a director of the organisation can add them" in refused.text

    client.post("/logout", data={"csrf_token": csrf_from(client.get(PAGE).text)})
    login(client, cio.email)
    shown = _preview(client, elsewhere)
    assert shown.status_code == 200
    assert "Add client-b.example to the sites of Acme" in shown.text
    unticked = _confirm(client, shown.text)
    assert unticked.status_code == 422
    ticked = _confirm(client, _preview(client, elsewhere).text, add_hosts="1")
    assert ticked.status_code == 303
    assert sorted(s.host for s in db.session.scalars(select(AuditSite))) == [
        "client-b.example",
        "localhost",
    ]


def test_a_director_undoes_an_import_from_its_page(client):
    org, agency, cio = _people()
    login(client, cio.email)
    done = _confirm(client, _preview(client, ("a.json", lighthouse())).text)
    show_url = done.headers["Location"]
    assert _count(Recommendation) > 0
    page = client.get(show_url)
    assert "Undo this import" in page.text
    undo = client.post(
        re.search(r'action="([^"]+/undo)"', page.text).group(1),
        data={"csrf_token": csrf_from(page.text)},
    )
    assert undo.status_code == 303
    after = client.get(show_url)
    assert "undone: " in after.text and "recommendations removed" in after.text
    assert _count(Recommendation) == 0 and _count(Task) == 0


def test_the_agency_may_import_but_not_undo_and_staff_only_read(client):
    org, agency, cio = _people()
    dev = make_user(org, "it", email="dev@acme.example")
    login(client, agency.email)
    done = _confirm(client, _preview(client, ("a.json", lighthouse())).text)
    record = db.session.scalar(select(AuditImport))
    page = client.get(done.headers["Location"])
    assert "Undo this import" not in page.text
    assert (
        client.post(
            f"{PAGE}{record.id}/undo", data={"csrf_token": csrf_from(page.text)}
        ).status_code
        == 403
    )
    client.post("/logout", data={"csrf_token": csrf_from(page.text)})
    login(client, dev.email)
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}{record.id}").status_code == 200


def test_settings_hosts_routing_and_columns(client):
    org, agency, cio = _people()
    login(client, cio.email)
    settings = "/orgs/acme/audits/settings"
    assert client.get(settings).status_code == 200
    form_post(client, settings, settings + "/hosts", {"host": "HTTPS://www.Example-Shop.com/x"})
    assert [s.host for s in db.session.scalars(select(AuditSite))] == ["www.example-shop.com"]
    bad = form_post(
        client, settings, settings + "/routing", {"identifier": "x", "category": "nope"}
    )
    assert bad.status_code == 303 and _count(AuditRouting) == 0
    form_post(
        client,
        settings,
        settings + "/routing",
        {"identifier": "csv:дублирующийся_заголовок_h1", "category": "meta_tags"},
    )
    form_post(
        client,
        settings,
        settings + "/columns",
        {"url": "Адрес страницы", "issue": "Проблема", "details": "Комментарий"},
    )
    page = client.get(settings)
    assert "Адрес страницы" in page.text and "csv:дублирующийся_заголовок_h1" in page.text

    # The remembered columns read the Russian crawler's file; the routing sends its H1 issue
    # to marketing, and the issue the table does not know waits in triage.
    shown = _preview(client, ("audit.csv", fixture("crawler/audit_cp1251.csv")))
    assert shown.status_code == 200, shown.text
    assert "Marketing · Meta tags" in shown.text
    assert "Triage (both directors) · Uncategorised" in shown.text
