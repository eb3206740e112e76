"""The data the clients work on: the demo organisations (people, work in every state, a year
of KPIs, measured impacts), API tokens for one organisation's people, and a pool of open
tasks, half of them late, that the clients PATCH concurrently and the overdue scan alerts on.

Written through collab's own functions in this process, against the stack's database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

ORG = "techsoft"
PEOPLE = {  # role in the load -> demo person
    "cio": "cio@techsoft.example",
    "cmo": "cmo@techsoft.example",
    "it": "dev@techsoft.example",
    "marketing": "seo@techsoft.example",
    "agency": "account@webpartners.example",
}
OPERATOR = "operator@collab.example"
POOL = 24  # tasks every client PATCHes: contention for the version check


@dataclass(frozen=True)
class Seeded:
    org: str
    tokens: dict[str, str]  # role -> raw token
    pool: list[int]  # task ids under contention
    tasks: list[int]  # every task of the organisation when the load starts
    recommendations: list[int]


def seed(env: dict[str, str]) -> Seeded:
    from collab import create_app
    from collab.accounts import people, tokens
    from collab.demo.seed import seed_demo
    from collab.models import Membership, Organization, Recommendation, Task
    from collab.platform.extensions import db
    from collab.work.recommendations import file_recommendation
    from collab.work.tasks import update_task

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"].replace(
                "postgresql://", "postgresql+psycopg://"
            ),
            "REDIS_URL": env["REDIS_URL"],
            "BASE_URL": env["BASE_URL"],
            "INSTANCE_PATH": env["COLLAB_INSTANCE"],
            # Nobody signs in with a password here; scrypt for demo accounts is wasted time.
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        seed_demo()
        db.session.commit()
        org = db.session.scalar(select(Organization).where(Organization.slug == ORG))
        raw = {}
        for role, email in {**PEOPLE, "operator": OPERATOR}.items():
            _, raw[role] = tokens.issue_token(people.user_by_email(email), "loadtest")
        db.session.commit()

        def member(email: str) -> Membership:
            return db.session.scalar(
                select(Membership).where(
                    Membership.organization_id == org.id,
                    Membership.user_id == people.user_by_email(email).id,
                )
            )

        agency, cio = member(PEOPLE["agency"]), member(PEOPLE["cio"])
        today = dt.date.today()
        pool = []
        for n in range(POOL):
            filing = file_recommendation(
                org,
                agency,
                {
                    "title": f"Load pool {n}: fix broken links on section {n}",
                    "category": "broken_links",
                    "priority": "high",
                    # Half are late already: the overdue scan raises alerts on them.
                    "due_date": (today + dt.timedelta(days=(-9 if n % 2 else 20) - n)).isoformat(),
                },
            )
            task = filing.recommendation.tasks[0]
            update_task(cio, task, {"status": "todo"}, task.version)
            pool.append(task.id)
        db.session.commit()
        seeded = Seeded(
            org=ORG,
            tokens=raw,
            pool=pool,
            tasks=list(db.session.scalars(select(Task.id).where(Task.organization_id == org.id))),
            recommendations=list(
                db.session.scalars(
                    select(Recommendation.id).where(Recommendation.organization_id == org.id)
                )
            ),
        )
        db.session.remove()
        db.engine.dispose()
    return seeded
