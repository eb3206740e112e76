"""In Chromium: two directors have the board open; one moves a card, and the other's board
shows it in its new lane, with every count, without a reload."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.support.factories import make_org, make_recommendation, make_user


def test_a_move_shows_on_the_other_directors_open_board(live_server, browser):
    from collab.platform.extensions import db

    with live_server.app.app_context():
        org = make_org("acme")
        make_user(org, "cio", email="cio@acme.example")
        make_user(org, "cmo", email="cmo@acme.example")
        agency = make_user(org, "agency", email="am@agency.example")
        make_recommendation(org, agency, title="Compress images on the catalogue")
        make_recommendation(org, agency, title="Fix the broken links in the footer")
        db.session.commit()

    mover_context, watcher_context = browser.new_context(), browser.new_context()
    mover, watcher = mover_context.new_page(), watcher_context.new_page()
    try:
        sign_in(watcher, live_server.url, "cmo@acme.example")
        with watcher.expect_response(lambda r: r.url.endswith("/board/events")):
            watcher.goto(live_server.url + "/orgs/acme/board")
        watcher.evaluate("window.notReloaded = true")
        expect(watcher.get_by_role("list", name="Triage, IT")).to_contain_text("Compress images")
        expect(watcher.locator("#count-todo")).to_have_text("0")
        watcher.get_by_label("Select “Fix the broken links in the footer”").check()

        sign_in(mover, live_server.url, "cio@acme.example")
        mover.goto(live_server.url + "/orgs/acme/board")
        card = mover.get_by_role("list", name="Triage, IT").locator("li.card", has_text="Compress")
        with mover.expect_response(lambda r: r.url.endswith("/move")) as moved:
            card.drag_to(mover.get_by_role("list", name="To do, IT"))
        assert moved.value.status == 200

        expect(watcher.get_by_role("list", name="To do, IT")).to_contain_text("Compress images")
        expect(watcher.get_by_role("list", name="Triage, IT").locator("li.card")).to_have_count(1)
        # The lane came back from the server, and the card its reader ticked is still ticked.
        expect(watcher.get_by_label("Select “Fix the broken links in the footer”")).to_be_checked()
        expect(watcher.locator("#count-todo")).to_have_text("1")
        expect(watcher.locator("#count-triage")).to_have_text("1")
        expect(watcher.locator("#nav-count-todo")).to_have_text("1")
        expect(watcher.locator("#count-todo-it")).to_have_text("1")
        assert watcher.evaluate("window.notReloaded") is True
    finally:
        mover_context.close()
        watcher_context.close()


def test_a_board_without_a_stream_polls(live_server, browser):
    """A browser without EventSource (or a refused stream) looks again every
    BOARD_POLL_SECONDS."""
    from collab.accounts.people import user_by_email
    from collab.models import Task
    from collab.platform.extensions import db
    from collab.work.tasks import update_task
    from tests.support.factories import membership

    live_server.app.config["BOARD_POLL_SECONDS"] = 0.5
    with live_server.app.app_context():
        org = make_org("acme")
        make_user(org, "cio", email="cio@acme.example")
        agency = make_user(org, "agency", email="am@agency.example")
        task = make_recommendation(org, agency, title="Compress images on the catalogue").tasks[0]
        db.session.commit()
        task_id = task.id

    context = browser.new_context()
    context.add_init_script("delete window.EventSource")
    page = context.new_page()
    streams: list[str] = []
    page.on("request", lambda r: streams.append(r.url) if r.url.endswith("/events") else None)
    try:
        sign_in(page, live_server.url, "cio@acme.example")
        page.goto(live_server.url + "/orgs/acme/board")
        page.evaluate("window.notReloaded = true")
        with live_server.app.app_context():
            task = db.session.get(Task, task_id)
            director = membership(
                user_by_email("cio@acme.example"), task.recommendation.organization
            )
            update_task(director, task, {"status": "todo"}, task.version)
            db.session.commit()
        expect(page.get_by_role("list", name="To do, IT")).to_contain_text("Compress images")
        expect(page.locator("#count-todo")).to_have_text("1")
        assert page.evaluate("window.notReloaded") is True
        assert streams == []
    finally:
        context.close()
