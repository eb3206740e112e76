"""Two people at once: two editors saving a note, two clicks on "Mark as read". The database's
unique keys decide; the one who lost gets a clear answer, and the notes functions leave the
rest of the request's work to the request."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import pytest
from sqlalchemy import event, insert, select

from collab.models import User
from collab.models.notes import NoteRead, NoteVersion
from collab.platform.clock import utcnow
from collab.platform.errors import Conflict
from collab.platform.extensions import db
from collab.training import reading, versions
from tests.support.factories import make_org, make_user, membership

BODY = "## Why it matters\nEvery dead page turns a visitor away.\n"


@contextmanager
def _someone_else_writes_after_our_read_of(table: str, write: Callable):
    """Another request commits ``write`` on its own connection right after this session
    first reads ``table``: it wins the race between our read and our write."""
    happened: list[bool] = []

    def after(conn, cursor, statement, parameters, context, executemany):
        if happened or not statement.lstrip().startswith("SELECT"):
            return
        if f"FROM {table}" not in statement:
            return
        happened.append(True)
        with db.engine.connect() as other:
            other.execute(write)
            other.commit()

    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield happened
    finally:
        event.remove(db.engine, "after_cursor_execute", after)


def _world():
    org = make_org("acme")
    return org, {role: make_user(org, role) for role in ("cio", "cmo", "it")}


def _colleagues_version(org, author):
    return insert(NoteVersion).values(
        organization_id=org.id,
        category="broken_links",
        language="en",
        version=1,
        title="The CMO's words",
        body_md=BODY,
        author_id=author.id,
        created_at=utcnow(),
    )


def test_two_editors_saving_at_once_one_is_told_and_nothing_is_overwritten(app):
    org, p = _world()
    cio = membership(p["cio"], org)
    colleague = _colleagues_version(org, p["cmo"])
    with (
        _someone_else_writes_after_our_read_of("note_version", colleague) as raced,
        pytest.raises(Conflict, match="someone saved a new version of this note"),
    ):
        versions.save_version(cio, org, "broken_links", "The CIO's words", BODY, 0)
    assert raced
    db.session.commit()  # the request carries on: the session is still its own

    titles = db.session.scalars(select(NoteVersion.title)).all()
    assert titles == ["The CMO's words"]
    # Building on the colleague's version now works.
    saved = versions.save_version(cio, org, "broken_links", "The CIO's words", BODY, 1)
    db.session.commit()
    assert saved.version == 2


def test_two_clicks_on_mark_as_read_make_one_record(app):
    org, p = _world()
    versions.save_version(membership(p["cio"], org), org, "broken_links", "Ours", BODY)
    db.session.commit()
    dev = membership(p["it"], org)
    first_click = insert(NoteRead).values(
        user_id=p["it"].id,
        organization_id=org.id,
        category="broken_links",
        language="en",
        version=0,
        read_at=utcnow(),
    )
    with _someone_else_writes_after_our_read_of("note_read", first_click) as raced:
        read = reading.mark_read(dev, org, "broken_links", 1)
    assert raced
    db.session.commit()

    assert read.version == 1
    rows = db.session.execute(select(NoteRead.category, NoteRead.version)).all()
    assert rows == [("broken_links", 1)]


# SQLite lets one writer in at a time, so there nobody can slip a row in between a request's
# first write and its next: losing a race while holding other changes happens on PostgreSQL.
@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_lost_race_leaves_the_requests_other_changes_to_the_request(app):
    org, p = _world()
    cio = membership(p["cio"], org)
    p["cio"].name = "Chief Information Officer"  # the request's own work, not yet committed
    colleague = _colleagues_version(org, p["cmo"])
    with _someone_else_writes_after_our_read_of("note_version", colleague), pytest.raises(Conflict):
        versions.save_version(cio, org, "broken_links", "The CIO's words", BODY, 0)
    first_click = insert(NoteRead).values(
        user_id=p["cio"].id,
        organization_id=org.id,
        category="broken_links",
        language="en",
        version=0,
        read_at=utcnow(),
    )
    with _someone_else_writes_after_our_read_of("note_read", first_click):
        reading.mark_read(cio, org, "broken_links", 1)
    db.session.commit()

    db.session.expire_all()
    assert db.session.get(User, p["cio"].id).name == "Chief Information Officer"
    assert db.session.scalars(select(NoteRead.version)).all() == [1]
