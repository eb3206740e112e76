"""Bulk data for the bench: many tasks in one organisation, written with executemany."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, update

from collab.accounts import organisations, people
from collab.models import BoardCount, Recommendation, Task
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.work import board_counts

STATUS_MIX = [("triage", 5), ("todo", 15), ("in_progress", 10), ("review", 5), ("done", 60),
              ("rejected", 5)]  # fmt: skip
TEAMS = ["it", "marketing", None]
PRIORITIES = ["urgent", "high", "medium", "low"]


def org_with_people(slug: str = "bench"):
    org = organisations.create_org(slug, slug.title())
    members = {}
    for role in ("cio", "cmo", "it", "marketing", "agency"):
        user = people.create_user(f"{role}@{slug}.example", password="bench-password-1")  # noqa: S106
        members[role] = people.add_membership(user, org, role)
    db.session.commit()
    return org, members


def recommendations(org, count: int, now, first: int = 0) -> list[int]:
    """Ids of `count` bare recommendations, the parents every bench task needs."""
    rows = [
        {
            "organization_id": org.id,
            "title": f"Recommendation {first + i}",
            "description": "",
            "priority": "medium",
            "url_count": 0,
            "created_at": now,
        }
        for i in range(count)
    ]
    statement = insert(Recommendation).returning(Recommendation.id)
    return db.session.execute(statement, rows).scalars().all()


def add_tasks(org, n: int, seed: int = 7, batch: int = 5_000) -> None:
    """n tasks, two years of history: most of it done long ago, as a real board's would be."""
    rng = random.Random(seed)
    statuses = [s for s, weight in STATUS_MIX for _ in range(weight)]
    now = utcnow()
    today = date.today()
    made = 0
    while made < n:
        size = min(batch, n - made)
        recs = recommendations(org, size, now, first=made)
        rows = []
        for i, rec_id in enumerate(recs):
            status = rng.choice(statuses)
            team = rng.choice(TEAMS) if status == "triage" else rng.choice(TEAMS[:2])
            priority = rng.choice(PRIORITIES)
            age = rng.randint(0, 730)
            rows.append(
                {
                    "organization_id": org.id,
                    "recommendation_id": rec_id,
                    "title": f"Fix 404 errors batch {made + i}",
                    "category": "broken_links",
                    "team": team,
                    "status": status,
                    "priority": priority,
                    "priority_rank": PRIORITIES.index(priority),
                    "due_date": today + timedelta(days=rng.randint(-60, 60)),
                    "completed_at": now - timedelta(days=age) if status == "done" else None,
                    "status_changed_at": now,
                    "routed_team": team,
                    "routed_category": "broken_links",
                    "routing_reason": "bench",
                    "version": 1,
                    "created_at": now,
                    "waiting_on_agency": False,
                }
            )
        db.session.execute(insert(Task), rows)
        made += size
    db.session.commit()
    # Counters as the domain functions would have kept them.
    db.session.query(BoardCount).filter_by(organization_id=org.id).delete()
    for (status, team), count in board_counts.recount(org.id).items():
        board_counts.add(org.id, status, team, count)
    db.session.commit()


def add_open_tasks(
    org, assignee_id: int, n: int, late_share: float = 0.1, seed: int = 11, batch: int = 20_000
) -> None:
    """n open tasks, a share of them late by 1 to 10 days, the rest due well ahead."""
    rng = random.Random(seed)
    now = utcnow()
    today = date.today()
    made = 0
    while made < n:
        size = min(batch, n - made)
        recs = recommendations(org, size, now, first=made)
        rows = []
        for i, rec_id in enumerate(recs):
            late = rng.random() < late_share
            due = (
                today - timedelta(days=rng.randint(1, 10))
                if late
                else (today + timedelta(days=rng.randint(5, 90)))
            )
            rows.append(
                {
                    "organization_id": org.id,
                    "recommendation_id": rec_id,
                    "title": f"Compress images batch {made + i}",
                    "category": "page_speed",
                    "team": "it",
                    "status": "todo",
                    "priority": "medium",
                    "priority_rank": 2,
                    "due_date": due,
                    "assignee_id": assignee_id,
                    "status_changed_at": now,
                    "triage_since": today - timedelta(days=30),
                    "routed_team": "it",
                    "routed_category": "page_speed",
                    "routing_reason": "bench",
                    "version": 1,
                    "created_at": now,
                    "waiting_on_agency": False,
                }
            )
        db.session.execute(insert(Task), rows)
        made += size
    board_counts.add(org.id, "todo", "it", n)  # as filing and triage would have kept it
    # Settled work, as on a real board: nothing waits for a check out of turn.
    db.session.execute(update(Task).values(alert_check_at=None))
    db.session.commit()
