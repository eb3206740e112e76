"""In Chromium: dragging cards. Counts follow the move, only cards a person may move can be
picked up, each move's message replaces the one before, and a director handing a card to the
other team is asked first."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.support.factories import make_org, make_recommendation, make_user, membership


def _world(app, *titles):
    from collab.platform.extensions import db
    from collab.work.tasks import update_task

    with app.app_context():
        org = make_org("acme")
        cio = make_user(org, "cio", email="cio@acme.example")
        agency = make_user(org, "agency", email="am@agency.example")
        make_user(org, "it", email="dev@acme.example")
        make_user(org, "marketing", email="pr@acme.example")
        ids = []
        for title, status in titles:
            task = make_recommendation(org, agency, title=title).tasks[0]
            if status != "triage":
                update_task(membership(cio, org), task, {"status": status}, task.version)
            ids.append(task.id)
        db.session.commit()
        return ids


def _moves(page) -> list[str]:
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/move") else None)
    return sent


def test_counts_follow_a_drag_and_staff_pick_up_only_their_own_cards(live_server, page):
    _world(
        live_server.app,
        ("Compress images", "todo"),
        ("Fix broken links", "todo"),
        ("Rewrite meta descriptions", "todo"),
    )
    sent = _moves(page)
    sign_in(page, live_server.url, "dev@acme.example")
    page.goto(live_server.url + "/orgs/acme/board")
    todo_it = page.get_by_role("list", name="To do, IT")
    doing_it = page.get_by_role("list", name="In progress, IT")
    expect(page.locator("#count-todo")).to_have_text("3")

    # Marketing's card cannot be picked up by IT staff: nothing is sent, nothing moves.
    theirs = page.get_by_role("list", name="To do, Marketing").locator("li.card").first
    expect(theirs).not_to_have_class(re.compile(r"\bmovable\b"))
    theirs.drag_to(page.get_by_role("list", name="In progress, Marketing"))
    page.wait_for_timeout(300)
    assert sent == []
    expect(
        page.get_by_role("list", name="In progress, Marketing").locator("li.card")
    ).to_have_count(0)

    # Their own card moves, and every count on the page follows without a reload.
    with page.expect_response(re.compile(r"/tasks/\d+/move$")) as moved:
        todo_it.locator("li.card").first.drag_to(doing_it)
    assert moved.value.status == 200
    expect(page.locator("#count-todo")).to_have_text("2")
    expect(page.locator("#count-in_progress")).to_have_text("1")
    expect(page.locator("#count-todo-it")).to_have_text("1")
    expect(page.locator("#count-in_progress-it")).to_have_text("1")
    expect(page.locator("#board-message")).to_have_text(re.compile(r"is now in In progress\.$"))


def test_a_refusal_replaces_the_message_before_it(live_server, page):
    first, second = _world(
        live_server.app, ("Compress images", "triage"), ("Fix broken links", "todo")
    )
    sign_in(page, live_server.url, "cio@acme.example")
    page.goto(live_server.url + "/orgs/acme/board")
    # A change the page reloads for first (accepting the selected triage cards): its green
    # message is on the page.
    page.locator(f"#card-{first} input.pick").check()
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.locator("main .flash").first).to_contain_text("1 task(s) updated")

    # Someone else changes the other card meanwhile, and this page misses the news (as when
    # its live stream is down, collab/web/live.py): its copy is stale.
    with live_server.app.app_context():
        from sqlalchemy import update

        from collab.models import Task
        from collab.platform.extensions import db

        db.session.execute(
            update(Task)
            .where(Task.id == second)
            .values(priority="urgent", version=Task.version + 1)
        )
        db.session.commit()
    with page.expect_response(re.compile(r"/move$")) as moved:
        page.locator(f"#card-{second}").drag_to(page.get_by_role("list", name="In progress, IT"))
    assert moved.value.status == 409
    message = page.locator("#board-message")
    expect(message).to_have_text("Someone else changed this task; here it is as it is now.")
    expect(message).to_have_class(re.compile(r"\bflash-error\b"))
    expect(page.locator("main .flash:not(#board-message)")).to_have_count(0)  # the green one went
    expect(page.get_by_role("list", name="To do, IT").locator(f"#card-{second}")).to_be_visible()


def test_a_director_is_asked_before_handing_a_card_to_the_other_team(live_server, page):
    (task,) = _world(live_server.app, ("Compress images", "todo"))
    sent = _moves(page)
    sign_in(page, live_server.url, "cio@acme.example")
    page.goto(live_server.url + "/orgs/acme/board")
    card = page.locator(f"#card-{task}")
    marketing = page.get_by_role("list", name="To do, Marketing")
    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    card.drag_to(marketing)
    page.wait_for_timeout(300)
    assert asked == [
        "Hand “Compress images” from IT over to Marketing? Marketing will own it from now on."
    ]
    assert sent == []
    expect(page.get_by_role("list", name="To do, IT").locator(f"#card-{task}")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_response(re.compile(r"/move$")) as moved:
        card.drag_to(marketing)
    assert moved.value.status == 200
    expect(marketing.locator(f"#card-{task}")).to_be_visible()
    expect(page.locator("#count-todo-marketing")).to_have_text("1")
