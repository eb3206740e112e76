"""Organisations: creating them and finding them by slug."""

from __future__ import annotations

import re

from flask_babel import gettext
from sqlalchemy import select

from collab.accounts.currencies import CURRENCIES, DEFAULT_CURRENCY, is_currency
from collab.models import (
    Organization,
)
from collab.models.accounts import ORG_KINDS
from collab.platform.clock import valid_timezone
from collab.platform.errors import NotFound, ValidationFailed
from collab.platform.extensions import db


def _currency_expected() -> str:
    return gettext("choose a currency code: %(codes)s", codes=", ".join(CURRENCIES))


SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def org_by_slug(slug: str) -> Organization:
    org = db.session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        raise NotFound(
            gettext(
                "no organisation %(slug)s; check the organisation's short name (its slug)",
                slug=repr(slug),
            )
        )
    return org


def create_org(
    slug: str,
    name: str,
    kind: str = "client",
    timezone: str = "UTC",
    currency: str = DEFAULT_CURRENCY,
) -> Organization:
    errors = {}
    if not SLUG.match(slug or ""):
        errors["slug"] = gettext("write lower-case letters, digits and dashes, up to 64 characters")
    if not (name or "").strip():
        errors["name"] = gettext("required")
    if kind not in ORG_KINDS:
        errors["kind"] = gettext("choose one of %(choices)s", choices=", ".join(ORG_KINDS))
    if not valid_timezone(timezone):
        errors["timezone"] = gettext("choose an IANA time zone name, e.g. Europe/Moscow")
    if not is_currency(currency):
        errors["currency"] = _currency_expected()
    if not errors and db.session.scalar(select(Organization.id).where(Organization.slug == slug)):
        errors["slug"] = gettext("%(slug)s is taken already; choose another", slug=slug)
    if errors:
        raise ValidationFailed(gettext("the organisation was not created"), errors)
    org = Organization(
        slug=slug, name=name.strip(), kind=kind, timezone=timezone, currency=currency
    )
    db.session.add(org)
    db.session.flush()
    return org


def set_currency(org: Organization, code: str) -> bool:
    """The currency every amount of the organisation is shown in. Amounts already recorded
    are not converted: they are read in the new currency from now on. True if it changed."""
    code = (code or "").strip().upper()
    if not is_currency(code):
        raise ValidationFailed(
            gettext("the currency was not changed"), {"currency": _currency_expected()}
        )
    changed = org.currency != code
    org.currency = code
    db.session.flush()
    return changed
