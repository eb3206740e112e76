"""In Chromium: an IT engineer reads the note on a task and marks it read; the CIO sees the
team's read rate change on the notes page."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, sign_out
from tests.support.factories import make_org, make_recommendation, make_user, membership


def _it_rate(page):
    return page.locator("#rate-it")


def test_engineer_marks_the_note_read_and_the_cio_sees_the_rate_change(live_server, page):
    base = live_server.url
    with live_server.app.app_context():
        from collab.platform.extensions import db
        from collab.work.tasks import update_task

        org = make_org("acme")
        cio = make_user(org, "cio", email="cio@acme.example")
        agency = make_user(org, "agency", email="am@agency.example")
        make_user(org, "it", email="dev@acme.example")
        task = make_recommendation(
            org,
            agency,
            title="Fix 1,000+ 404 errors found in the crawl",
            urls=["https://acme.example/old-a", "https://acme.example/old-b"],
        ).tasks[0]
        update_task(
            membership(cio, org),
            task,
            {"status": "todo", "assignee": "dev@acme.example"},
            task.version,
        )
        db.session.commit()
        task_id = task.id

    # Before: nobody on the IT team has read the note of their open task.
    sign_in(page, base, "cio@acme.example")
    page.goto(base + "/orgs/acme/notes/")
    expect(_it_rate(page)).to_contain_text("0%")
    sign_out(page)

    # The engineer opens the task, reads why it matters and marks the note read.
    sign_in(page, base, "dev@acme.example")
    page.goto(f"{base}/orgs/acme/tasks/{task_id}")
    note = page.locator("#task-note")
    expect(
        note.get_by_role("heading", name=re.compile("Why fixing broken links pays"))
    ).to_be_visible()
    expect(note).to_contain_text("Scope: 2 affected URLs.")
    with page.expect_response(re.compile(r"/notes/broken_links/read$")) as marked:
        note.get_by_role("button", name="Mark as read").click()
    assert marked.value.status == 200
    expect(page.locator("#task-note")).to_contain_text("You have read this version of the note")
    expect(page.locator("#task-note").get_by_role("button", name="Mark as read")).to_have_count(0)
    page.goto(base + "/orgs/acme/notes/mine")
    expect(page.locator("#training-broken_links")).to_contain_text("read on")
    sign_out(page)

    # After: the CIO sees the IT team's read rate at 100%.
    sign_in(page, base, "cio@acme.example")
    page.goto(base + "/orgs/acme/notes/")
    expect(_it_rate(page)).to_contain_text("100%")
    expect(page.locator("#note-broken_links")).to_contain_text("1 of 1")
