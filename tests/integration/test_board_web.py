"""The board in the browser's shape: lanes, counts, filters, moves with and without htmx."""

import json
import re
from datetime import timedelta

from sqlalchemy import select

from collab.accounts.people import membership_of
from collab.models import Event, Task
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.work import board_counts
from collab.work.tasks import update_task
from tests.support.factories import csrf_from, login, make_org, make_recommendation, make_user


def _world():
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "cmo", "it", "marketing", "agency")}
    return org, people


def _lane(html: str, status: str, team: str) -> str:
    match = re.search(
        rf'<ul class="lane" data-status="{status}" data-team="{team}".*?</ul>', html, re.S
    )
    assert match, (status, team)
    return match.group(0)


def test_board_shows_cards_in_their_column_and_lane_with_counts(client):
    org, p = _world()
    make_recommendation(org, p["agency"], title="Compress images on the catalogue")
    make_recommendation(org, p["agency"], title="Rewrite meta descriptions")
    make_recommendation(org, p["agency"], title="Discuss the audit results")
    login(client, p["cio"].email)
    html = client.get("/orgs/acme/board").text
    assert "Compress images" in _lane(html, "triage", "it")
    assert "Rewrite meta descriptions" in _lane(html, "triage", "marketing")
    assert "Discuss the audit" in _lane(html, "triage", "")
    assert re.search(r'id="col-triage">Triage <span class="count" id="count-triage">3</span>', html)


def test_filters_live_in_the_url(client):
    org, p = _world()
    make_recommendation(org, p["agency"], title="Compress images", priority="urgent")
    make_recommendation(org, p["agency"], title="Fix broken links", priority="low")
    login(client, p["cio"].email)
    html = client.get("/orgs/acme/board?priority=urgent&team=it").text
    assert "Compress images" in html and "Fix broken links" not in html
    assert "Marketing" not in re.findall(r'<h3 class="lane-title">(\w+)', html)
    assert client.get("/orgs/acme/board?q=broken").text.count('class="card-title"') == 1


def test_a_column_shows_its_first_fifty_cards_and_show_more(client):
    org, p = _world()
    for i in range(80):
        make_recommendation(org, p["agency"], title=f"Fix 404 on page {i:02d}")
    login(client, p["cio"].email)
    html = client.get("/orgs/acme/board").text
    lane = _lane(html, "triage", "it")
    assert lane.count('class="card-title"') == 17  # 50 shared by three lanes
    assert re.search(
        r'id="col-triage">Triage <span class="count" id="count-triage">80</span>', html
    )
    more = re.search(r'href="([^"]+/board/more[^"]+)"', lane).group(1).replace("&amp;", "&")
    rest = client.get(more, headers={"HX-Request": "true"}).text
    assert rest.count('class="card-title"') == 50 and "Show more" in rest
    assert "<html" not in rest  # htmx gets a fragment
    assert client.get(more).status_code == 200  # and without JavaScript, a page
    only_it = _lane(client.get("/orgs/acme/board?team=it").text, "triage", "it")
    assert only_it.count('class="card-title"') == 50  # one lane: the whole column's 50


def test_done_shows_the_last_30_days_unless_asked(client):
    org, p = _world()
    old = make_recommendation(org, p["agency"], title="Old: compress images").tasks[0]
    new = make_recommendation(org, p["agency"], title="New: compress images").tasks[0]
    for task, days in ((old, 90), (new, 2)):
        board_counts.add(org.id, task.status, task.team, -1)
        task.status, task.completed_at = "done", utcnow() - timedelta(days=days)
        board_counts.add(org.id, "done", task.team, +1)
    db.session.commit()
    login(client, p["cio"].email)
    done = _lane(client.get("/orgs/acme/board").text, "done", "it")
    assert "New: compress images" in done and "Old: compress images" not in done
    everything = _lane(client.get("/orgs/acme/board?done=all").text, "done", "it")
    assert "Old: compress images" in everything


def test_move_form_works_without_javascript(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["cio"].email)
    board = client.get("/orgs/acme/board")
    response = client.post(
        f"/orgs/acme/tasks/{task.id}/move",
        data={"status": "todo", "team": "it", "version": "1", "csrf_token": csrf_from(board.text)},
        headers={"Referer": "/orgs/acme/board"},
    )
    assert response.status_code == 302
    html = client.get("/orgs/acme/board").text
    assert "Compress images" in _lane(html, "todo", "it")
    assert "“Compress images” is now in To do." in html


def test_htmx_move_answers_the_card_and_a_stale_card_reloads(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    login(client, p["cio"].email)
    token = csrf_from(client.get("/orgs/acme/board").text)
    htmx = {"HX-Request": "true", "X-CSRFToken": token}
    moved = client.post(
        f"/orgs/acme/tasks/{task.id}/move", data={"status": "todo", "version": "1"}, headers=htmx
    )
    assert moved.status_code == 200
    assert 'data-status="todo"' in moved.text and "<html" not in moved.text
    stale = client.post(
        f"/orgs/acme/tasks/{task.id}/move",
        data={"status": "in_progress", "version": "1"},
        headers=htmx,
    )
    assert stale.status_code == 409
    assert 'data-status="todo"' in stale.text and 'data-version="2"' in stale.text
    assert "someone else changed" in stale.headers["HX-Trigger"].lower()
    assert db.session.get(Task, task.id).status == "todo"


def test_staff_moving_another_teams_card_gets_403_and_the_card_back(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    task.status = "todo"
    board_counts.add(org.id, "triage", "it", -1)
    board_counts.add(org.id, "todo", "it", +1)
    db.session.commit()
    login(client, p["marketing"].email)
    token = csrf_from(client.get("/orgs/acme/board").text)
    response = client.post(
        f"/orgs/acme/tasks/{task.id}/move",
        data={"status": "in_progress", "version": str(task.version)},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 403
    assert 'data-status="todo"' in response.text
    assert "own team" in response.headers["HX-Trigger"]


def test_agency_reads_the_board_without_move_forms(client):
    org, p = _world()
    make_recommendation(org, p["agency"], title="Compress images")
    login(client, p["agency"].email)
    html = client.get("/orgs/acme/board").text
    assert "Compress images" in html
    assert 'class="move"' not in html and "bulk-form" not in html


def test_bulk_triage_accepts_several_cards(client):
    org, p = _world()
    tasks = [
        make_recommendation(org, p["agency"], title=f"Compress images {i}").tasks[0]
        for i in range(3)
    ]
    login(client, p["cmo"].email)
    token = csrf_from(client.get("/orgs/acme/board").text)
    response = client.post(
        "/orgs/acme/tasks/bulk",
        data={
            "task": [f"{t.id}:{t.version}" for t in tasks[:2]],
            "action": "accept",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [db.session.get(Task, t.id).status for t in tasks] == ["todo", "todo", "triage"]


def test_counts_stay_exact_through_moves(client):
    org, p = _world()
    tasks = [
        make_recommendation(org, p["agency"], title=f"Fix broken links {i}").tasks[0]
        for i in range(4)
    ]
    make_recommendation(org, p["agency"], title="Landing page for the new product")
    login(client, p["cio"].email)
    token = csrf_from(client.get("/orgs/acme/board").text)
    htmx = {"HX-Request": "true", "X-CSRFToken": token}
    steps = [
        (tasks[0], "todo", "it"),
        (tasks[1], "todo", "marketing"),
        (tasks[0], "in_progress", None),
        (tasks[2], "rejected", None),
    ]
    for task, status, team in steps:
        db.session.refresh(task)
        data = {"status": status, "version": str(task.version)}
        if team:
            data["team"] = team
        client.post(f"/orgs/acme/tasks/{task.id}/move", data=data, headers=htmx)
    stored = {k: v for k, v in board_counts.counts(org.id).items() if v}
    assert stored == board_counts.recount(org.id)


def test_task_page_shows_reason_note_comments_and_history(client):
    org, p = _world()
    task = make_recommendation(
        org,
        p["agency"],
        title="Fix 1,000+ 404 errors found in the crawl",
        urls=["https://acme.example/x"],
    ).tasks[0]
    login(client, p["cio"].email)
    page = client.get(f"/orgs/acme/tasks/{task.id}")
    assert "404" in page.text and "owned by IT" in page.text
    assert "Why this matters" in page.text and "1 affected URL" in page.text
    client.post(
        f"/orgs/acme/tasks/{task.id}/comments",
        data={"body": "internal budget note", "internal": "1", "csrf_token": csrf_from(page.text)},
    )
    client.post(
        f"/orgs/acme/tasks/{task.id}/update",
        data={
            "status": "todo",
            "version": "1",
            "assignee": "-",
            "csrf_token": csrf_from(page.text),
        },
    )
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    assert "internal budget note" in page
    assert "moved it from Triage to To do" in page
    agency = client.application.test_client()
    login(agency, p["agency"].email)
    seen = agency.get(f"/orgs/acme/tasks/{task.id}").text
    assert "internal budget note" not in seen and "Triage</h2>" not in seen


def test_org_rules_route_new_recommendations_and_kept_rate_is_shown(client):
    org, p = _world()
    login(client, p["cio"].email)
    settings = client.get("/orgs/acme/settings/")
    client.post(
        "/orgs/acme/settings/rules",
        data={"phrase": "Bitrix", "team": "it", "csrf_token": csrf_from(settings.text)},
    )
    task = make_recommendation(org, p["agency"], title="Update the Bitrix templates").tasks[0]
    assert task.team == "it" and "Bitrix".lower() in task.routing_reason.lower()
    token = csrf_from(client.get("/orgs/acme/board").text)
    client.post(
        f"/orgs/acme/tasks/{task.id}/move",
        data={"status": "todo", "team": "marketing", "version": "1"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    page = client.get("/orgs/acme/settings/").text
    assert "0.0%" in page and "1 triage overrides" in page


def test_staff_cannot_open_settings_and_notifications_are_listed(client):
    org, p = _world()
    make_recommendation(org, p["agency"], title="Compress images")
    login(client, p["it"].email)
    assert client.get("/orgs/acme/settings/").status_code == 403
    director = client.application.test_client()
    login(director, p["cmo"].email)
    board = director.get("/orgs/acme/board").text
    assert 'aria-label="1 unread"' in board
    listing = director.get("/orgs/acme/notifications/").text
    assert "New recommendation" in listing
    director.post("/orgs/acme/notifications/read", data={"csrf_token": csrf_from(listing)})
    assert 'aria-label="1 unread"' not in director.get("/orgs/acme/board").text


def test_the_task_page_offers_the_statuses_and_the_people_who_work_its_team(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Fix 1,000+ 404 errors").tasks[0]
    login(client, p["cmo"].email)
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    status = re.search(r'<select id="status" name="status">(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option (?:selected )?value="(\w+)"', status) == [
        "triage", "todo", "in_progress", "review", "done", "rejected"
    ]  # fmt: skip
    assignee = re.search(r'<select id="assignee" name="assignee">(.*?)</select>', page, re.S).group(
        1
    )
    offered = set(re.findall(r'<option value="([^"]+@[^"]+)"', assignee))
    assert offered == {p["it"].email, p["cio"].email}  # IT's staff and IT's director
    assert "Triage</h2>" in page


def test_search_ignores_case_in_cyrillic_too(client):
    org, p = _world()
    make_recommendation(org, p["agency"], title="Дублирующиеся мета-теги title")
    make_recommendation(org, p["agency"], title="Мета-описания для каталога")
    make_recommendation(org, p["agency"], title="Compress images")
    login(client, p["cio"].email)
    for query in ("мета", "Мета", "МЕТА", "мЕтА"):
        html = client.get("/orgs/acme/board", query_string={"q": query}).text
        assert html.count('class="card-title"') == 2, query
    assert client.get("/orgs/acme/board?q=COMPRESS").text.count('class="card-title"') == 1
    # LIKE's wildcards are text to look for, not patterns.
    assert client.get("/orgs/acme/board?q=%25").text.count('class="card-title"') == 0


def test_saving_triage_on_an_uncategorised_task_keeps_it_uncategorised(client):
    org, p = _world()
    task = make_recommendation(org, p["agency"], title="Discuss the audit results").tasks[0]
    assert (task.category, task.team) == ("uncategorised", None)
    login(client, p["cio"].email)
    page = client.get(f"/orgs/acme/tasks/{task.id}").text
    category = re.search(r'<select id="category" name="category">(.*?)</select>', page, re.S)
    assert '<option selected value="">Uncategorised: choose one</option>' in category.group(1)
    saved = client.post(
        f"/orgs/acme/tasks/{task.id}/update",
        data={
            "status": "triage",
            "team": "it",
            "category": "",
            "priority": "medium",
            "assignee": "-",
            "version": str(task.version),
            "csrf_token": csrf_from(page),
        },
    )
    assert saved.status_code == 303
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert (task.category, task.team) == ("uncategorised", "it")
    overrides = db.session.scalars(
        select(Event.field).where(Event.task_id == task.id, Event.kind == "routing_override")
    ).all()
    assert overrides == []  # routing chose neither: filling them in overrides nothing


def _oob(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'<span class="count" id="([\w-]+)" hx-swap-oob="true">(\d+)</span>', html)
    )


def test_a_moves_answer_carries_the_boards_new_counts(client):
    org, p = _world()
    tasks = [
        make_recommendation(org, p["agency"], title=f"Compress images {i}").tasks[0]
        for i in range(2)
    ]
    make_recommendation(org, p["agency"], title="Rewrite meta descriptions")
    login(client, p["cio"].email)
    token = csrf_from(client.get("/orgs/acme/board").text)
    moved = client.post(
        f"/orgs/acme/tasks/{tasks[0].id}/move",
        data={"status": "todo", "version": str(tasks[0].version)},
        headers={
            "HX-Request": "true",
            "X-CSRFToken": token,
            "HX-Current-URL": "http://x/orgs/acme/board",
        },
    )
    counts = _oob(moved.text)
    assert (counts["count-triage"], counts["nav-count-triage"], counts["count-todo"]) == (
        "2",
        "2",
        "1",
    )
    assert (
        counts["count-triage-it"],
        counts["count-triage-marketing"],
        counts["count-todo-it"],
    ) == ("1", "1", "1")
    said = json.loads(moved.headers["HX-Trigger"])
    assert said == {"collab:moved": {"message": "“Compress images 0” is now in To do."}}
    # With the page's filters: the counts of the board as that page shows it.
    filtered = client.post(
        f"/orgs/acme/tasks/{tasks[1].id}/move",
        data={"status": "todo", "version": str(tasks[1].version)},
        headers={
            "HX-Request": "true",
            "X-CSRFToken": token,
            "HX-Current-URL": "http://x/orgs/acme/board?team=it&q=compress",
        },
    )
    counts = _oob(filtered.text)
    assert counts["count-todo"] == "2" and counts["count-triage"] == "0"
    assert "count-triage-marketing" not in counts  # that lane is not on the page


def test_only_the_cards_a_person_may_move_can_be_picked_up(client):
    org, p = _world()
    it_task = make_recommendation(org, p["agency"], title="Compress images").tasks[0]
    mk_task = make_recommendation(org, p["agency"], title="Rewrite meta descriptions").tasks[0]
    cio = membership_of(p["cio"], org)
    for task in (it_task, mk_task):
        update_task(cio, task, {"status": "todo"}, task.version)
    db.session.commit()

    def card(client, task):
        html = client.get("/orgs/acme/board").text
        return re.search(rf'<li class="([^"]*)"\s+id="card-{task.id}"[^>]*>', html).group(0)

    login(client, p["it"].email)
    assert "movable" in card(client, it_task) and 'data-moves="in_progress "' in card(
        client, it_task
    )
    assert "movable" not in card(client, mk_task) and "data-moves" not in card(client, mk_task)
    director = client.application.test_client()
    login(director, p["cmo"].email)
    assert "movable" in card(director, it_task) and "movable" in card(director, mk_task)
    board = director.get("/orgs/acme/board").text
    assert 'data-reroute-question="Hand “{title}” from {from} over to {to}?' in board
    agency = client.application.test_client()
    login(agency, p["agency"].email)
    assert "movable" not in agency.get("/orgs/acme/board").text
