"""Demo data: idempotent, so `make run` can call it on every start."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from collab.accounts import organisations, people
from collab.demo.kpis import seed_demo_kpis
from collab.models import Membership, Organization, Recommendation
from collab.platform.extensions import db
from collab.work.recommendations import file_recommendation
from collab.work.tasks import update_task

DEMO_PASSWORD = "collab-demo-2026"  # noqa: S105  (published on purpose: demo accounts only)

AGENCY = ("webpartners", "WebPartners Digital Agency", "Europe/Moscow")
CLIENTS = [
    ("techsoft", "TechSoft Systems", "Europe/Moscow", "USD"),
    ("cloudline", "Cloudline Software", "Europe/Berlin", "EUR"),
]
AGENCY_PEOPLE = [
    ("account@webpartners.example", "Anna Petrova (account manager)"),
    ("seo@webpartners.example", "Ivan Sokolov (SEO specialist)"),
]
# Each client's people by name, as colleagues know them (their role is shown beside it).
CLIENT_PEOPLE = [("cio", "cio"), ("cmo", "cmo"), ("dev", "it"), ("ops", "it"),
                 ("seo", "marketing"), ("content", "marketing")]  # fmt: skip
CLIENT_NAMES = {
    "techsoft": ("Oleg Ivanov", "Maria Kuznetsova", "Dmitry Orlov", "Sergey Volkov",
                 "Olga Smirnova", "Nina Fedorova"),
    "cloudline": ("Lukas Becker", "Sophie Wagner", "Jonas Weber", "Felix Hoffmann",
                  "Laura Schmidt", "Emma Fischer"),
}  # fmt: skip


@dataclass
class DemoLogin:
    email: str
    role: str
    org: str


def _org(slug: str, name: str, kind: str, timezone: str, currency: str = "USD") -> Organization:
    org = db.session.scalar(select(Organization).where(Organization.slug == slug))
    return org or organisations.create_org(
        slug, name, kind=kind, timezone=timezone, currency=currency
    )


def _person(email: str, name: str, org: Organization, role: str, admin: bool = False):
    user = people.user_by_email(email)
    if user is None:
        user = people.create_user(email, password=DEMO_PASSWORD, name=name, is_admin=admin)
    people.add_membership(user, org, role)
    return user


def seed_demo() -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    agency = _org(*AGENCY[:2], "agency", AGENCY[2])
    clients = [_org(slug, name, "client", tz, money) for slug, name, tz, money in CLIENTS]
    for email, name in AGENCY_PEOPLE:
        _person(email, name, agency, "agency")
        for client in clients:
            _person(email, name, client, "agency")
        logins.append(DemoLogin(email, "agency", ", ".join(c.slug for c in clients)))
    for client in clients:
        names = CLIENT_NAMES[client.slug]
        for (local, role), name in zip(CLIENT_PEOPLE, names, strict=True):
            email = f"{local}@{client.slug}.example"
            _person(email, name, client, role)
            logins.append(DemoLogin(email, role, client.slug))
    if people.user_by_email("operator@collab.example") is None:
        people.create_user(
            "operator@collab.example",
            password=DEMO_PASSWORD,
            name="Platform operator",
            is_admin=True,
        )
    logins.append(DemoLogin("operator@collab.example", "platform operator", "-"))
    db.session.commit()
    for client in clients:
        _demo_work(client)
    db.session.commit()
    for client in clients:
        seed_demo_kpis(client)  # a year of daily figures in which finished work shows
    db.session.commit()
    return logins


# (external id, title, description, priority, what happens to its tasks)
DEMO_WORK = [
    (
        "demo-01",
        "Fix 1,000+ 404 errors found in the crawl",
        "The crawl found **1,214** internal links answering 404.",
        "high",
        "done",
    ),
    (
        "demo-02",
        "Properly size images",
        "Lighthouse: potential savings of 2.4 MB per page.",
        "high",
        "in_progress",
    ),
    (
        "demo-03",
        "Document does not have a meta description",
        "48 product pages have no meta description.",
        "medium",
        "review",
    ),
    (
        "demo-04",
        "Создать новую посадочную страницу для вебинара",
        "Нужна посадочная страница под весенний вебинар.",
        "urgent",
        "todo",
    ),
    ("demo-05", "Content: Low Content Pages", "32 pages under 200 words.", "low", "triage"),
    (
        "demo-06",
        "Redirect chains and loops",
        "17 chains of three or more hops.",
        "medium",
        "rejected",
    ),
    ("demo-07", "Дублирующиеся мета-теги title", "", "medium", "waiting"),
    ("demo-08", "Discuss the audit results with the board", "", "low", "triage"),
    ("demo-09", "Eliminate render-blocking resources", "", "high", "done"),
    ("demo-10", "Rewrite the call to action on the pricing page", "", "medium", "in_progress"),
    ("demo-11", "Fix broken links in the blog", "", "medium", "duplicate"),
]


def _demo_work(org: Organization) -> None:
    if db.session.scalar(
        select(Recommendation.id).where(
            Recommendation.organization_id == org.id, Recommendation.external_id == "demo-01"
        )
    ):
        return  # already seeded: never change what people did since
    members = {
        m.user.email.split("@")[0]: m
        for m in db.session.scalars(select(Membership).where(Membership.organization_id == org.id))
    }
    agency, cio, cmo = members["account"], members["cio"], members["cmo"]
    staff = {"it": members["dev"], "marketing": members["seo"]}
    first_task_of_duplicate = None
    for external_id, title, description, priority, fate in DEMO_WORK:
        filing = file_recommendation(
            org,
            agency,
            {
                "title": title,
                "description": description,
                "priority": priority,
                "external_id": external_id,
                "urls": [f"https://{org.slug}.example/page-{i}" for i in range(3)],
            },
        )
        for task in filing.recommendation.tasks:
            director = cio if task.team in ("it", None) else cmo
            if external_id == "demo-01":
                first_task_of_duplicate = task
            if fate == "triage":
                continue
            if fate == "waiting":
                update_task(director, task, {"waiting_on_agency": True}, task.version)
                continue
            if fate == "rejected":
                update_task(
                    director,
                    task,
                    {
                        "status": "rejected",
                        "resolution": "wont_do",
                        "reason": "The old catalogue is being retired next month.",
                    },
                    task.version,
                )
                continue
            if fate == "duplicate":
                update_task(
                    director,
                    task,
                    {
                        "status": "rejected",
                        "resolution": "duplicate",
                        "duplicate_of": first_task_of_duplicate.id,
                    },
                    task.version,
                )
                continue
            worker = staff[task.team]
            update_task(
                director, task, {"status": "todo", "assignee": worker.user.email}, task.version
            )
            path = {
                "todo": [],
                "in_progress": ["in_progress"],
                "review": ["in_progress", "review"],
                "done": ["in_progress", "review", "done"],
            }[fate]
            for status in path:
                update_task(worker, task, {"status": status}, task.version)
    db.session.flush()
