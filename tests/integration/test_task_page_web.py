"""The task page as each reader sees it: a history in words and names, and for the agency the
reason a task is not being done, with nothing of the internal conversation."""

from __future__ import annotations

import re
from html import unescape

from collab.platform.extensions import db
from collab.work.conversation import add_comment
from collab.work.tasks import update_task
from tests.support.factories import login, make_org, make_recommendation, make_user, membership


def _world():
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "cmo", "it", "agency")}
    people["cio"].name, people["it"].name = "Irina CIO", "Dana Developer"
    db.session.commit()
    return org, people


def _history(html: str) -> list[str]:
    section = html.split('id="history-h"', 1)[1].split("</section>", 1)[0]
    lines = re.findall(r"<li[^>]*><time>[^<]*</time>(.*?)</li>", section, re.S)
    # Each line starts with its person's initials avatar, which readers skip (aria-hidden).
    lines = [re.sub(r'<span class="avatar[^>]*>[^<]*</span>', "", line) for line in lines]
    return [" ".join(unescape(line).split()) for line in lines]


def test_the_history_says_what_happened_in_words_and_names(client):
    org, p = _world()
    cio = membership(p["cio"], org)
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    original = make_recommendation(org, p["agency"], title="Compress all images").tasks[0]
    update_task(cio, task, {"waiting_on_agency": True}, task.version)
    update_task(cio, task, {"status": "todo", "assignee": p["it"].email}, task.version)
    update_task(cio, task, {"status": "rejected"} | _dup(original), task.version)
    db.session.commit()
    login(client, p["cio"].email)
    lines = _history(client.get(f"/orgs/acme/tasks/{task.id}").text)
    agency = p["agency"].display_name
    assert lines == [
        f"{agency} filed it for IT",
        "Irina CIO marked it as waiting on the agency's answer",
        "Irina CIO moved it from Triage to To do",
        "Irina CIO assigned it to Dana Developer",
        "Irina CIO moved it from To do to Rejected",
        "Irina CIO set resolution to Duplicate",
        f"Irina CIO set reason to “duplicate of task {original.id}”",
        f"Irina CIO set duplicate of to task #{original.id}",
    ]
    text = " ".join(lines)
    for code in ("True", "False", "wont_do", "todo", "->", p["it"].email, " - "):
        assert code not in text, code


def _dup(original) -> dict:
    return {"resolution": "duplicate", "duplicate_of": original.id}


def test_the_agency_reads_why_and_never_learns_of_internal_comments(client):
    org, p = _world()
    cio = membership(p["cio"], org)
    recommendation = make_recommendation(org, p["agency"], title="Compress images")
    task = recommendation.tasks[0]
    add_comment(cio, task, "budget is frozen until May", internal=True)
    add_comment(cio, task, "Thanks, we are looking at it.")
    update_task(
        cio,
        task,
        {"status": "rejected", "resolution": "wont_do", "reason": "The old catalogue retires."},
        task.version,
    )
    db.session.commit()
    login(client, p["agency"].email)
    page = unescape(client.get(f"/orgs/acme/recommendations/{recommendation.id}").text)
    assert "Status: Rejected" in " ".join(re.sub(r"<[^>]+>", "", page).split())
    why = page.split('id="why-rejected"', 1)[1].split("</div>", 1)[0]
    assert "Won't do" in why and "The old catalogue retires." in why
    task_page = client.get(f"/orgs/acme/tasks/{task.id}").text
    assert "The old catalogue retires." in task_page
    lines = _history(task_page)
    assert "Irina CIO commented" in lines
    assert not [line for line in lines if "internal" in line]
    assert "budget is frozen" not in task_page
    director = client.application.test_client()
    login(director, p["cmo"].email)
    assert "Irina CIO wrote an internal comment" in _history(
        director.get(f"/orgs/acme/tasks/{task.id}").text
    )


def test_cards_history_and_comments_show_people_by_name_with_initials(client):
    org, p = _world()
    cio = membership(p["cio"], org)
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    update_task(cio, task, {"status": "todo", "assignee": p["it"].email}, task.version)
    add_comment(cio, task, "Start with the product pages.")
    db.session.commit()
    login(client, p["cio"].email)
    card = client.get("/orgs/acme/board").text.split(f'id="card-{task.id}"', 1)[1]
    avatar = r'class="avatar hue-\d" aria-hidden="true">DD</span> <span class="name">Dana Developer'
    assert re.search(avatar, card)
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    comments = page.split('id="comments-h"', 1)[1].split("</section>", 1)[0]
    assert ">IC</span> Irina CIO" in comments
    assert ">IC</span> Irina CIO moved it" in page.split('id="history-h"', 1)[1]
