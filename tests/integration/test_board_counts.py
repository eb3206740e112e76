"""The board's card counts stay exact whatever the changes around them, and a change does
not make everyone else's changes wait for it."""

import pytest
from flask import current_app
from sqlalchemy import text

from collab.accounts.people import membership_of
from collab.platform.errors import DomainError
from collab.platform.extensions import db
from collab.work import board_counts
from collab.work.tasks import update_many, update_task
from tests.support.factories import make_org, make_recommendation, make_user


def _world():
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "cmo", "agency")}
    return org, {role: membership_of(user, org) for role, user in people.items()}


def _stored(org) -> dict:
    return {key: n for key, n in board_counts.counts(org.id).items() if n}


def test_a_refused_bulk_change_leaves_the_counts_as_the_cards_are(app):
    org, p = _world()
    first = make_recommendation(org, p["agency"].user, title="Compress images").tasks[0]
    second = make_recommendation(org, p["agency"].user, title="Fix 404 pages").tasks[0]
    db.session.commit()
    before = _stored(org)
    with pytest.raises(DomainError):
        # The first item would move; the second's stale version refuses the whole change.
        update_many(
            p["cio"],
            org,
            [
                {"id": first.id, "version": first.version, "status": "todo"},
                {"id": second.id, "version": second.version + 5, "status": "todo"},
            ],
        )
    db.session.commit()
    assert _stored(org) == before == board_counts.recount(org.id)


def test_counts_read_in_the_changing_transaction_include_its_changes(app):
    org, p = _world()
    task = make_recommendation(org, p["agency"].user, title="Compress images").tasks[0]
    db.session.commit()
    update_task(p["cio"], task, {"status": "todo"}, task.version)
    assert _stored(org) == board_counts.recount(org.id) == {("todo", "it"): 1}
    db.session.rollback()
    assert _stored(org) == {("triage", "it"): 1}


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_card_moved_meanwhile_does_not_wait_for_a_change_still_going_on(app):
    # Two directors' requests: the first has moved a card and is still at work when the
    # second moves another card of the same lane. Before counts were summed at commit, the
    # second waited on the first's lock of the lane's count until the first committed.
    org, p = _world()
    one = make_recommendation(org, p["agency"].user, title="Compress images").tasks[0]
    two = make_recommendation(org, p["agency"].user, title="Minify scripts").tasks[0]
    db.session.commit()
    ids = (one.id, two.id)
    update_task(p["cio"], one, {"status": "todo"}, one.version)
    db.session.flush()
    with current_app.app_context():  # another request: its own session and connection
        db.session.execute(text("SET LOCAL lock_timeout = '2s'"))
        cio = membership_of(p["cio"].user, org)
        other = db.session.get(type(two), ids[1])
        update_task(cio, other, {"status": "todo"}, other.version)
        db.session.commit()
        db.session.remove()
    db.session.commit()
    assert _stored(org) == board_counts.recount(org.id) == {("todo", "it"): 2}
