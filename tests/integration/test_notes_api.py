"""Training notes in the API's task lists: a page of 50 tasks costs the statements of a page
of 10, and every task's note in a list reads exactly as it does on its own."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import event

from collab.impacts.job import measure_task
from collab.kpis.recording import record_json
from collab.platform.extensions import db
from collab.training.task_notes import forget_facts
from collab.training.versions import save_version
from collab.work.tasks import update_task
from tests.support.factories import bearer, make_org, make_recommendation, make_user, membership

# Single-team categories, so each recommendation makes one task and the order is known.
CATEGORIES = ("broken_links", "page_speed", "meta_tags", "paid_ads", "thin_content")
METRICS = ("not_found_count", "lcp_ms", "search_ctr", "organic_sessions", "leads", "spend")


@contextmanager
def _statements():
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _board(tasks: int = 60):
    """An organisation with a year of KPIs, its own note for broken links, and ``tasks`` tasks
    of five kinds: every fifth one finished at a different time and measured, the open ones
    assigned in turn to the IT engineer and the internet marketer."""
    org = make_org("acme")
    p = {role: make_user(org, role) for role in ("cio", "cmo", "it", "marketing", "agency")}
    today = datetime.now(UTC).date()
    record_json(
        org,
        [
            {
                "metric": metric,
                "date": (today - timedelta(days=back)).isoformat(),
                # Everything improves for good 60 days ago, with a weekly wobble (small
                # enough for search_ctr, a percent, to stay within 0-100).
                "value": (60 if back > 60 else 50) + back % 7 + number,
            }
            for number, metric in enumerate(METRICS)
            for back in range(1, 365)
        ],
    )
    save_version(
        membership(p["cio"], org),
        org,
        "broken_links",
        "Dead links, lost leads",
        "## Why it matters\nEvery dead page turns a visitor away.\n\n"
        "## How we will know it worked\nThe 404 count falls. {kpi_figures}\n",
    )
    db.session.commit()
    made = []
    for number in range(tasks):
        category = CATEGORIES[number % len(CATEGORIES)]
        recommendation = make_recommendation(
            org,
            p["agency"],
            title=f"Task {number} ({category})",
            category=category,
            priority=("urgent", "high", "medium", "low")[number % 4],
            urls=[f"https://acme.example/{number}/{i}" for i in range(number % 9)],
        )
        (task,) = recommendation.tasks
        director = membership(p["cio" if task.team == "it" else "cmo"], org)
        assignee = p["it"] if task.team == "it" else p["marketing"]
        update_task(director, task, {"status": "todo", "assignee": assignee.email}, task.version)
        if number % 5 == 0:
            at = datetime.combine(today - timedelta(days=100 - number), time(12), UTC)
            update_task(
                director,
                task,
                {"status": "in_progress", "started_at": at.isoformat()},
                task.version,
            )
            update_task(
                director, task, {"status": "done", "completed_at": at.isoformat()}, task.version
            )
        db.session.commit()
        made.append(task)
    for task in made:
        if task.status == "done":
            measure_task(task.id)
    return org, p


def test_a_page_of_50_tasks_costs_the_statements_of_a_page_of_10(app, client):
    org, p = _board()
    auth = bearer(p["it"])
    client.get("/api/v1/me", headers=auth)  # a token's first use is written down once
    counts = {}
    for limit in (10, 50):
        forget_facts()  # both read the organisation's facts (a second list would not)
        with _statements() as seen:
            page = client.get(f"/api/v1/orgs/acme/tasks?limit={limit}", headers=auth)
        assert page.status_code == 200, page.text
        assert len(page.json["items"]) == limit
        counts[limit] = len(seen)
    assert counts[50] == counts[10], counts


def test_a_tasks_note_in_a_list_reads_as_it_does_on_its_own(app, client):
    org, p = _board()
    auth = bearer(p["it"])
    listed = client.get("/api/v1/orgs/acme/tasks?limit=50", headers=auth).json["items"]
    notes = {task["id"]: task["training_note"] for task in listed}
    for task_id, note in notes.items():
        alone = client.get(f"/api/v1/orgs/acme/tasks/{task_id}", headers=auth).json
        assert note == alone["training_note"], task_id
    # The comparison covered every kind of fact a note can hold.
    bodies = [note["body_html"] for note in notes.values()]
    assert any("What it did here" in body for body in bodies)
    assert any("What earlier work of this kind did here" in body for body in bodies)
    assert any("Today: 404 count" in body for body in bodies)
    assert any(note["title"] == "Dead links, lost leads" for note in notes.values())
    assert {note["kpis"][0] for note in notes.values()} >= {"not_found_count", "lcp_ms"}
