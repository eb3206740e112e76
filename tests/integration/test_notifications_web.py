"""Notifications: opening one reads it, and whoever is given a task hears of it, in collab and
by e-mail as they chose."""

from __future__ import annotations

import re

from sqlalchemy import select

from collab.accounts.people import set_email_mode
from collab.models import Notification, OutboxEmail
from collab.platform.extensions import db
from tests.support.factories import (
    csrf_from,
    form_post,
    login,
    make_org,
    make_recommendation,
    make_user,
    membership,
)


def _world():
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "it", "agency")}
    people["it"].name = "Dana Developer"
    db.session.commit()
    return org, people


def _unread(client) -> int:
    found = re.search(r'aria-label="(\d+) unread"', client.get("/orgs/acme/board").text)
    return int(found.group(1)) if found else 0


def test_opening_a_notification_reads_it_and_goes_to_its_task(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["cio"].email)
    assert _unread(client) == 1
    listing = client.get("/orgs/acme/notifications/").text
    link = re.search(r'href="(/orgs/acme/notifications/\d+)">New recommendation', listing)
    opened = client.get(link.group(1))
    assert opened.status_code == 303
    assert opened.headers["Location"].endswith(f"/orgs/acme/tasks/{task.id}")
    assert _unread(client) == 0
    assert 'class="read"' in client.get("/orgs/acme/notifications/").text


def test_nobody_opens_anothers_notification(client, app):
    org, p = _world()
    make_recommendation(org, p["agency"], title="Compress images")
    theirs = db.session.scalar(select(Notification.id).where(Notification.user_id == p["cio"].id))
    login(client, p["it"].email)
    assert client.get(f"/orgs/acme/notifications/{theirs}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, theirs).read_at is None


def test_whoever_is_assigned_a_task_is_told_in_collab_and_by_e_mail(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["cio"].email)
    saved = form_post(
        client,
        f"/orgs/acme/tasks/{task.id}",
        f"/orgs/acme/tasks/{task.id}/update",
        {"status": "todo", "assignee": p["it"].email, "version": str(task.version)},
    )
    assert saved.status_code == 303
    developer = client.application.test_client()
    login(developer, p["it"].email)
    listing = developer.get("/orgs/acme/notifications/").text
    assert f"{p['cio'].display_name} assigned “Compress images” to you." in listing
    mail = db.session.scalars(select(OutboxEmail).where(OutboxEmail.user_id == p["it"].id)).all()
    assert [m.to_address for m in mail] == [p["it"].email]
    assert "assigned “Compress images” to you" in mail[0].subject


def test_the_e_mail_follows_the_persons_choice(client):
    org, p = _world()
    set_email_mode(p["it"], "off")
    db.session.commit()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["cio"].email)
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    client.post(
        f"/orgs/acme/tasks/{task.id}/update",
        data={
            "status": "todo",
            "assignee": p["it"].email,
            "version": str(task.version),
            "csrf_token": csrf_from(page),
        },
    )
    told = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == p["it"].id)
    ).all()
    assert told == ["task_assigned"]  # in collab, always
    mailed = db.session.scalars(select(OutboxEmail).where(OutboxEmail.user_id == p["it"].id))
    assert mailed.all() == []  # "not at all" by e-mail


def test_taking_a_task_oneself_tells_nobody(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["cio"].email)
    form_post(
        client,
        f"/orgs/acme/tasks/{task.id}",
        f"/orgs/acme/tasks/{task.id}/update",
        {"status": "todo", "assignee": p["cio"].email, "version": str(task.version)},
    )
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == p["cio"].id))
    assert "task_assigned" not in list(kinds)


def test_notifications_come_grouped_by_task_and_opening_the_task_reads_them(client):
    from collab.work.conversation import add_comment

    org, p = _world()
    images = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    make_recommendation(org, p["agency"], title="Fix broken links")
    add_comment(membership(p["agency"], org), images, "Any news?")
    db.session.commit()
    login(client, p["cio"].email)
    html = client.get("/orgs/acme/notifications/").text
    sections = re.findall(r'<section class="notification-group" aria-label="([^"]+)">', html)
    assert sections == ["Compress images", "Fix broken links"]  # the latest news first
    images_group = html.split('aria-label="Compress images"', 1)[1].split("</section>", 1)[0]
    assert ">2 new<" in images_group and images_group.count("<li") == 2
    client.get(f"/orgs/acme/tasks/{images.id}")
    html = client.get("/orgs/acme/notifications/").text
    assert re.findall(r'<section class="notification-group" aria-label="([^"]+)">', html) == [
        "Fix broken links",  # unread groups first
        "Compress images",
    ]
    assert _unread(client) == 1
