"""Demo data: idempotent, so `make run` can call it on every start."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from collab import accounts
from collab.extensions import db
from collab.models import Organization

DEMO_PASSWORD = "collab-demo-2026"  # noqa: S105  (published on purpose: demo accounts only)

AGENCY = ("webpartners", "WebPartners Digital Agency", "Europe/Moscow")
CLIENTS = [
    ("techsoft", "TechSoft Systems", "Europe/Moscow"),
    ("cloudline", "Cloudline Software", "Europe/Berlin"),
]
AGENCY_PEOPLE = [
    ("account@webpartners.example", "Anna Petrova (account manager)"),
    ("seo@webpartners.example", "Ivan Sokolov (SEO specialist)"),
]
CLIENT_PEOPLE = [
    ("cio", "cio", "Chief Information Officer"),
    ("cmo", "cmo", "Chief Marketing Officer"),
    ("dev", "it", "Developer"),
    ("ops", "it", "Sysadmin"),
    ("seo", "marketing", "Internet marketer"),
    ("content", "marketing", "Content writer"),
]


@dataclass
class DemoLogin:
    email: str
    role: str
    org: str


def _org(slug: str, name: str, kind: str, timezone: str) -> Organization:
    org = db.session.scalar(select(Organization).where(Organization.slug == slug))
    return org or accounts.create_org(slug, name, kind=kind, timezone=timezone)


def _person(email: str, name: str, org: Organization, role: str, admin: bool = False):
    user = accounts.user_by_email(email)
    if user is None:
        user = accounts.create_user(email, password=DEMO_PASSWORD, name=name, is_admin=admin)
    accounts.add_membership(user, org, role)
    return user


def seed_demo() -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    agency = _org(*AGENCY[:2], "agency", AGENCY[2])
    clients = [_org(slug, name, "client", tz) for slug, name, tz in CLIENTS]
    for email, name in AGENCY_PEOPLE:
        _person(email, name, agency, "agency")
        for client in clients:
            _person(email, name, client, "agency")
        logins.append(DemoLogin(email, "agency", ", ".join(c.slug for c in clients)))
    for client in clients:
        for local, role, title in CLIENT_PEOPLE:
            email = f"{local}@{client.slug}.example"
            _person(email, f"{title}, {client.name}", client, role)
            logins.append(DemoLogin(email, role, client.slug))
    if accounts.user_by_email("operator@collab.example") is None:
        accounts.create_user(
            "operator@collab.example",
            password=DEMO_PASSWORD,
            name="Platform operator",
            is_admin=True,
        )
    logins.append(DemoLogin("operator@collab.example", "platform operator", "-"))
    db.session.commit()
    return logins
