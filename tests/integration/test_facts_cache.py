"""The organisation-wide facts of training notes are cached per process by the
organisation's ``facts_version``: a second list reads fewer statements, and every write that
changes the facts, committed by another session, is seen by the very next list."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime

from collab.impacts.job import measure_task
from collab.impacts.metric_map import set_metrics_for
from collab.impacts.results import measured_by_task
from collab.kpis.custom_metrics import define_metric
from collab.kpis.recording import record_json
from collab.models import Organization, Task, User
from collab.platform.extensions import db
from collab.training.task_notes import NoteBook, forget_facts
from collab.training.versions import revert, save_version
from collab.work.tasks import update_task
from tests.integration.test_notes_api import _board, _statements
from tests.support.factories import bearer, membership


def _listing(client, auth) -> dict[int, dict]:
    page = client.get("/api/v1/orgs/acme/tasks?limit=50", headers=auth)
    assert page.status_code == 200, page.text
    return {task["id"]: task["training_note"] for task in page.json["items"]}


@contextmanager
def _elsewhere(app):
    """Another session (a new application context), committed at the end: a write made by
    another request or worker."""
    with app.app_context():
        org = db.session.scalar(db.select(Organization).where(Organization.slug == "acme"))
        yield org
        db.session.commit()


def _director(org, role: str = "cio"):
    user = db.session.scalar(db.select(User).where(User.email.like(f"{role}%")))
    return membership(user, org)


def test_a_second_list_reads_fewer_statements(app, client):
    org, p = _board(tasks=10)
    auth = bearer(p["it"])
    client.get("/api/v1/me", headers=auth)  # a token's first use is written down once
    forget_facts()
    counts = []
    for _ in range(2):
        with _statements() as seen:
            _listing(client, auth)
        counts.append(len(seen))
    assert counts[1] <= counts[0] - 5, counts


def test_each_finished_tasks_results_are_the_ones_the_database_holds(app, client):
    org, _ = _board(tasks=20)
    done = db.session.scalars(db.select(Task).where(Task.status == "done").order_by(Task.id)).all()
    held = measured_by_task(task.id for task in done)
    assert len([task for task in done if held.get(task.id)]) >= 2
    # A category collab has no note for is read from the database, not from the history.
    unknown = next(task for task in done if held.get(task.id))
    unknown.category = "podcasts"
    db.session.commit()
    forget_facts()
    for _ in range(2):  # read afresh, then from this process's cache
        book = NoteBook.for_tasks(org, done)
        assert {task.id: book.facts(task).measured for task in done} == {
            task.id: held.get(task.id, []) for task in done
        }


def test_every_write_to_the_facts_is_seen_by_the_next_list(app, client):
    org, p = _board(tasks=15)
    auth = bearer(p["cio"])
    done = db.session.scalars(db.select(Task.id).where(Task.status == "done")).all()

    def cio(org):
        return membership(db.session.get(User, p["cio"].id), org)

    def note_saved(org):
        save_version(cio(org), org, "page_speed", "Faster pages", "Load them fast.\n")

    def note_reverted(org):
        revert(cio(org), org, "page_speed", 0)

    def map_edited(org):
        set_metrics_for(cio(org), org, "page_speed", ["lcp_ms", "leads"])

    def metric_defined(org):
        define_metric(cio(org), org, "demo_requests", "count", False)
        set_metrics_for(cio(org), org, "meta_tags", ["demo_requests", "search_ctr"])

    def figures_recorded(org):
        today = datetime.now(UTC).date().isoformat()
        record_json(
            org,
            [
                {"metric": "not_found_count", "date": today, "value": 7777},
                {"metric": "demo_requests", "date": today, "value": 12},
            ],
        )

    def task_reopened(org):
        task = db.session.get(Task, done[0])
        update_task(cio(org), task, {"status": "in_progress"}, task.version)

    def impacts_measured(org):
        db.session.commit()
        measure_task(done[0])  # its impacts go (it is no longer done); the job commits

    writes = [
        note_saved,
        note_reverted,
        map_edited,
        metric_defined,
        figures_recorded,
        task_reopened,
        impacts_measured,
    ]
    before = _listing(client, auth)  # the cache is warm
    for write in writes:
        with _elsewhere(app) as elsewhere:
            version = elsewhere.facts_version
            write(elsewhere)
        with app.app_context():
            bumped = db.session.get(Organization, org.id).facts_version
        after = _listing(client, auth)
        forget_facts()
        assert after == _listing(client, auth), write.__name__  # as read afresh
        if write is not impacts_measured:  # the reopened task already left the history
            assert after != before, write.__name__
            assert bumped > version, write.__name__
        before = after


def test_facts_read_by_the_writing_transaction_are_not_kept(app, client):
    org, p = _board(tasks=5)
    auth = bearer(p["cio"])
    before = _listing(client, auth)
    with app.app_context():
        org = db.session.get(Organization, org.id)
        save_version(
            membership(db.session.get(User, p["cio"].id), org),
            org,
            "broken_links",
            "Not committed",
            "Never seen.\n",
        )
        tasks = db.session.scalars(db.select(Task).where(Task.category == "broken_links")).all()
        book = NoteBook.for_tasks(org, tasks)
        assert book.current("broken_links").note.title == "Not committed"  # its own write
        db.session.rollback()
    assert _listing(client, auth) == before


def test_finishing_work_that_has_no_results_yet_keeps_the_facts_of_every_process(app, client):
    org, p = _board(tasks=10)
    auth = bearer(p["cio"])
    client.get("/api/v1/me", headers=auth)  # a token's first use is written down once
    _listing(client, auth)  # the cache is warm
    with _statements() as warm:
        _listing(client, auth)
    with _elsewhere(app) as elsewhere:
        version = elsewhere.facts_version
        task = db.session.scalars(db.select(Task).where(Task.status == "todo")).first()
        director = membership(db.session.get(User, p["cio"].id), elsewhere)
        for status in ("in_progress", "done"):
            update_task(director, task, {"status": status}, task.version)
    measure_task(task.id)  # its job: the weeks after the work have no data yet
    with app.app_context():
        assert db.session.get(Organization, org.id).facts_version == version
    with _statements() as after:
        listed = _listing(client, auth)
    assert len(after) == len(warm)  # the facts were not read again
    forget_facts()
    assert listed == _listing(client, auth)  # and they were not stale: as read afresh
