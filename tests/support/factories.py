"""Arrange data through collab's own functions, as the product would."""

from __future__ import annotations

import itertools
import re

from collab.accounts import organisations, people, tokens
from collab.platform.extensions import db

PASSWORD = "correct-horse-battery"  # noqa: S105
_sequence = itertools.count(1)


def make_org(slug: str | None = None, kind: str = "client", timezone: str = "UTC"):
    slug = slug or f"org-{next(_sequence)}"
    org = organisations.create_org(slug, slug.title(), kind=kind, timezone=timezone)
    db.session.commit()
    return org


def make_user(
    org=None,
    role: str = "cio",
    email: str | None = None,
    admin: bool = False,
    password: str = PASSWORD,
):
    email = email or f"user{next(_sequence)}@example.com"
    user = people.user_by_email(email) or people.create_user(
        email, password=password, name=email.split("@")[0], is_admin=admin
    )
    if org is not None:
        people.add_membership(user, org, role)
    db.session.commit()
    return user


def make_token(user) -> str:
    _, raw = tokens.issue_token(user, "test")
    db.session.commit()
    return raw


CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def login(client, email: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
    )


def form_post(client, page_url: str, action: str, data: dict):
    """Posts a form the way a browser would: with the CSRF token of the page it sits on."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    return client.post(action, data={**data, "csrf_token": csrf_from(page.text)})


def membership(user, org):
    from collab.accounts.people import membership_of

    return membership_of(user, org)


def make_recommendation(org, filer, **data):
    """Files through collab's own function, as the form and the API do."""
    from collab.work.recommendations import file_recommendation

    data.setdefault("title", "Fix 1,000+ 404 errors found in the crawl")
    filing = file_recommendation(org, membership(filer, org), data)
    db.session.commit()
    return filing.recommendation


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {make_token(user)}"}
