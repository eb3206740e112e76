"""The conversation on a task: @mentions that tell people (never the agency from an internal
comment), a draft's preview, and an author's edit or deletion kept in the history."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from collab.models import Comment, Notification, OutboxEmail
from collab.platform.extensions import db
from tests.support.factories import (
    csrf_from,
    login,
    make_org,
    make_recommendation,
    make_user,
)


def _world():
    org = make_org("acme")
    people = {
        role: make_user(org, role, email=f"{local}@acme.example")
        for role, local in (
            ("cio", "irina"),
            ("it", "dana"),
            ("marketing", "mark"),
            ("agency", "anna"),
        )
    }
    names = {"cio": "Irina Petrova", "it": "Dana Orlova", "marketing": "Mark Lee"}
    names["agency"] = "Anna Agent (account manager)"
    for role, name in names.items():
        people[role].name = name
    db.session.commit()
    task = make_recommendation(org, people["agency"], title="Compress images").tasks[0]
    return org, people, task


def _post(client, path, **data):
    token = csrf_from(client.get("/orgs/acme/board").text)
    return client.post(path, data={"csrf_token": token, **data})


def _told(user) -> list[str]:
    return db.session.scalars(
        select(Notification.text).where(
            Notification.user_id == user.id, Notification.kind == "mentioned"
        )
    ).all()


def test_a_mention_tells_the_person_in_app_and_by_email(client):
    org, p, task = _world()
    login(client, p["cio"].email)
    _post(
        client,
        f"/orgs/acme/tasks/{task.id}/comments",
        body="@Dana Orlova please start, and @mark, look at the alt texts. (mail: x@irina)",
    )
    assert _told(p["it"]) == [
        "Irina Petrova mentioned you in a comment on “Compress images”: @Dana Orlova please "
        "start, and @mark, look at the alt texts. (mail: x@irina)"
    ]
    assert len(_told(p["marketing"])) == 1
    assert _told(p["cio"]) == []  # an e-mail address is no mention, nor is oneself
    mail = db.session.scalar(
        select(OutboxEmail).join(Notification, Notification.id == OutboxEmail.notification_id)
        .where(Notification.user_id == p["it"].id, Notification.kind == "mentioned")
    )  # fmt: skip
    assert mail is not None and "please start" in mail.body


def test_an_internal_comment_never_mentions_the_agency(client):
    org, p, task = _world()
    login(client, p["cio"].email)
    _post(
        client,
        f"/orgs/acme/tasks/{task.id}/comments",
        body="@anna @Anna Agent will not like this; @dana check",
        internal="1",
    )
    assert _told(p["agency"]) == [] and len(_told(p["it"])) == 1
    assert "internal comment" in _told(p["it"])[0]
    _post(client, f"/orgs/acme/tasks/{task.id}/comments", body="@Anna thanks for the audit")
    assert len(_told(p["agency"])) == 1  # a public comment may


def test_preview_renders_the_draft_as_it_will_read(client):
    org, p, task = _world()
    login(client, p["it"].email)
    path = f"/orgs/acme/tasks/{task.id}/comments/preview"
    page = _post(client, path, body="**Done** <script>alert(1)</script>")
    assert page.status_code == 200
    preview = page.text.split('id="comment-preview"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "<strong>Done</strong>" in preview and "<script>" not in preview
    assert "**Done** &lt;script&gt;" in page.text  # the draft is still in its box
    fragment = client.post(
        path,
        data={"csrf_token": csrf_from(page.text), "body": "*soon*"},
        headers={"HX-Request": "true"},
    )
    assert fragment.text.lstrip().startswith('<div id="comment-preview"')
    assert "<em>soon</em>" in fragment.text and "<html" not in fragment.text
    assert db.session.scalar(select(Comment.id)) is None  # a preview saves nothing


def test_the_author_edits_and_deletes_and_the_history_keeps_what_it_said(client):
    org, p, task = _world()
    login(client, p["it"].email)
    _post(client, f"/orgs/acme/tasks/{task.id}/comments", body="Starting on Monday.")
    comment = db.session.scalar(select(Comment))
    base = f"/orgs/acme/tasks/{task.id}/comments/{comment.id}"
    login(client, p["cio"].email)  # not the author: neither offered nor allowed
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    assert f"{base}/edit" not in page
    assert _post(client, f"{base}/delete").status_code == 303
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).deleted_at is None
    login(client, p["it"].email)
    assert f"{base}/edit" in client.get(f"/orgs/acme/tasks/{task.id}").text
    _post(client, f"{base}/edit", body="Starting on Tuesday, @mark joins.")
    assert len(_told(p["marketing"])) == 1
    page = unescape(client.get(f"/orgs/acme/tasks/{task.id}").text)
    assert "Starting on Tuesday" in page and " · edited" in page
    _post(client, f"{base}/delete")
    page = unescape(client.get(f"/orgs/acme/tasks/{task.id}").text)
    comments = page.split('id="comments-h"', 1)[1].split("</section>", 1)[0]
    assert "Starting on" not in comments and "No comments yet." in comments
    history = " ".join(re.sub(r"<[^>]+>", " ", page.split('id="history-h"', 1)[1]).split())
    assert "edited a comment (it said “Starting on Monday.”)" in history
    assert "deleted a comment (it said “Starting on Tuesday, @mark joins.”)" in history


def test_the_agency_never_learns_of_an_edited_internal_comment(client):
    org, p, task = _world()
    login(client, p["cio"].email)
    _post(client, f"/orgs/acme/tasks/{task.id}/comments", body="Budget frozen.", internal="1")
    comment = db.session.scalar(select(Comment))
    _post(client, f"/orgs/acme/tasks/{task.id}/comments/{comment.id}/edit", body="Budget cut.")
    _post(client, f"/orgs/acme/tasks/{task.id}/comments/{comment.id}/delete")
    login(client, p["agency"].email)
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    assert "Budget" not in page and "internal comment" not in page


DESCRIPTION = "Steps:\n\n- [ ] resize the hero\n- [x] pick the format\n\n```\n- [ ] code\n```\n"


def _boxes(html: str, form: str) -> list[str]:
    return re.findall(rf'<button type="submit" form="{form}" name="item" value="([^"]+)"', html)


def test_the_team_ticks_the_descriptions_checklist_and_the_history_says_so(client):
    org, p, _ = _world()
    task = make_recommendation(
        org, p["agency"], title="Compress images", description=DESCRIPTION
    ).tasks[0]
    login(client, p["agency"].email)  # reads the boxes, ticks none
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    assert "☐ resize the hero" in page and _boxes(page, "tick-description") == []
    _post(client, f"/orgs/acme/tasks/{task.id}/tick", item="0:0")
    db.session.expire_all()
    assert db.session.get(type(task), task.id).recommendation.description == DESCRIPTION
    login(client, p["it"].email)
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    assert _boxes(page, "tick-description") == ["0:0", "1:1"]  # never the one in code
    answer = _post(client, f"/orgs/acme/tasks/{task.id}/tick", item="0:0")
    assert answer.status_code == 303 and answer.location.endswith("#description")
    stale = _post(client, f"/orgs/acme/tasks/{task.id}/tick", item="0:0")  # an old page
    assert "The list changed since you read it" in unescape(client.get(stale.location).text)
    _post(client, f"/orgs/acme/tasks/{task.id}/tick", item="1:1")
    db.session.expire_all()
    text = db.session.get(type(task), task.id).recommendation.description
    assert "- [x] resize the hero\n- [ ] pick the format" in text and "- [ ] code" in text
    page = unescape(client.get(f"/orgs/acme/tasks/{task.id}").text)
    history = " ".join(re.sub(r"<[^>]+>", " ", page.split('id="history-h"', 1)[1]).split())
    assert "ticked “resize the hero” in the description" in history
    assert "unticked “pick the format” in the description" in history


def test_a_comments_checklist_is_ticked_by_its_author_and_the_team(client):
    org, p, task = _world()
    login(client, p["marketing"].email)  # another team: ticks only their own comment
    _post(client, f"/orgs/acme/tasks/{task.id}/comments", body="- [ ] alt texts\n- [ ] captions")
    comment = db.session.scalar(select(Comment))
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    assert _boxes(page, f"tick-comment-{comment.id}") == ["0:0", "1:0"]
    _post(client, f"/orgs/acme/tasks/{task.id}/tick", comment=str(comment.id), item="1:0")
    login(client, p["it"].email)  # the task's team
    _post(client, f"/orgs/acme/tasks/{task.id}/tick", comment=str(comment.id), item="0:0")
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).body == "- [x] alt texts\n- [x] captions"
