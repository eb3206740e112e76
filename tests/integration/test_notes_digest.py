"""collab.training.reading.digest_lines: what the daily digest says about training notes."""

from __future__ import annotations

from datetime import timedelta

from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.training import reading, versions
from collab.work.tasks import update_task
from tests.support.factories import make_org, make_recommendation, make_user, membership

SITE = "https://collab.example/"  # where people reach collab: the job passes it in


def test_digest_names_new_and_rewritten_notes_until_they_are_read(app):
    org = make_org("acme")
    cio, agency = make_user(org, "cio"), make_user(org, "agency")
    dev, idle = make_user(org, "it"), make_user(org, "it")
    task = make_recommendation(org, agency, title="Fix 404 errors on the old blog").tasks[0]
    before_assignment = utcnow()
    update_task(membership(cio, org), task, {"status": "todo", "assignee": dev.email}, task.version)
    db.session.commit()

    lines = reading.digest_lines(dev, org, before_assignment, SITE)
    assert lines == [
        "Training note for your new work: “Why fixing broken links pays” (Broken links, "
        "1 open task of yours). https://collab.example/orgs/acme/notes/broken_links"
    ]
    # Nothing new since then; someone without open tasks hears nothing.
    assert reading.digest_lines(dev, org, utcnow(), SITE) == []
    assert reading.digest_lines(idle, org, before_assignment - timedelta(days=1), SITE) == []

    reading.mark_read(membership(dev, org), org, "broken_links")
    db.session.commit()
    assert reading.digest_lines(dev, org, before_assignment, SITE) == []

    before_edit = utcnow()
    versions.save_version(
        membership(cio, org),
        org,
        "broken_links",
        "Dead links, lost leads",
        "## Why it matters\nEvery dead page turns a visitor away.\n",
    )
    db.session.commit()
    assert reading.digest_lines(dev, org, before_edit, SITE) == [
        "Training note rewritten since you read it: “Dead links, lost leads” (Broken links, "
        "1 open task of yours). https://collab.example/orgs/acme/notes/broken_links"
    ]
    reading.mark_read(membership(dev, org), org, "broken_links")
    db.session.commit()
    assert reading.digest_lines(dev, org, before_edit, SITE) == []

    # Finished work drops out of the digest.
    update_task(membership(cio, org), task, {"status": "in_progress"}, task.version)
    update_task(membership(cio, org), task, {"status": "done"}, task.version)
    versions.save_version(membership(cio, org), org, "broken_links", "Again", "New words.\n")
    db.session.commit()
    assert reading.digest_lines(dev, org, before_edit, SITE) == []
