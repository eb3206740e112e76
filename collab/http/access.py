"""Who is asking and whether they may: the one hook every web page and API call passes.

Each route declares what it needs with @access(...). A hook that runs before every
request reads that declaration, finds who is asking (a session or an API token),
resolves the organisation named in the URL and refuses what the role does not allow
(the table itself is collab.accounts.roles). A route that declares nothing is refused,
so a forgotten declaration fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import and_, bindparam, select

from collab.accounts import tokens
from collab.accounts.roles import ACTIONS, role_may
from collab.models import Membership, Organization, User
from collab.platform.extensions import db


@dataclass(frozen=True)
class Access:
    action: str | None = None  # needs a membership of the URL's organisation with this right
    public: bool = False  # anyone, signed in or not
    signed_in: bool = False  # any signed-in user
    operator: bool = False  # platform operators only


def access(action: str | None = None, *, public: bool = False, operator: bool = False) -> Callable:
    if action is not None and action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    rule = Access(action=action, public=public, operator=operator, signed_in=action is None)

    def mark(view):
        view.access_rule = rule
        return view

    return mark


def rule_for(endpoint: str | None) -> Access | None:
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return Access(public=True)
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def is_api_request() -> bool:
    return request.blueprint is not None and request.blueprint.startswith("api")


def current_principal() -> User | None:
    """Who is asking: the API's bearer token user, or the session's user."""
    if is_api_request():
        return g.get("api_user")
    return current_user if current_user.is_authenticated else None


def enforce() -> None:
    """before_request: apply the route's declared rule, resolving the organisation."""
    if request.endpoint is None:
        return  # routing answers 404/405 itself
    rule = rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("route %s declares no access rule", request.endpoint)
        abort(403)
    if rule.public:
        return
    slug = (request.view_args or {}).get("org")
    found = None
    if is_api_request():
        # The token, its person and the URL's organisation with their membership of it: one
        # statement, as every API call asks all three. Aborts with 401 JSON.
        found = _authenticate_bearer(slug if rule.action is not None else None)
    user = current_principal()
    if user is None:
        if is_api_request():
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if rule.operator:
        if not user.is_admin:
            abort(403)
        return
    if rule.action is None:
        if slug is not None:
            raise RuntimeError(f"{request.endpoint} takes <org> but declares no action")
        return
    if slug is None:
        raise RuntimeError(f"{request.endpoint} declares {rule.action} but has no <org>")
    org, membership = found if found is not None else _membership_by_slug(user, slug)
    if membership is None:
        abort(404)  # another organisation's URLs do not exist for this user
    g.org = org
    g.membership = membership
    if not role_may(membership.role, rule.action):
        abort(403)


def _membership_by_slug(user: User, slug: str) -> tuple[Organization | None, Membership | None]:
    """The organisation named in the URL and the user's active membership of it, in one
    statement: every request to an organisation's pages asks this."""
    if not user.is_authenticated or not user.active:
        return None, None
    row = db.session.execute(
        select(Organization, Membership)
        .join(Membership, _active_membership(user.id))
        .where(Organization.slug == slug)
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


def _active_membership(user_id):
    """Joins an organisation to the active membership of the person ``user_id`` names."""
    return and_(
        Membership.organization_id == Organization.id,
        Membership.user_id == user_id,
        Membership.active.is_(True),
    )


# The token's statement with the organisation named in the URL (the ``slug`` parameter) and
# the token's person's active membership of it, each None when there is none. Built once,
# as every API call to an organisation runs it.
_TOKEN_AND_MEMBERSHIP = (
    tokens.TOKEN_LOOKUP.add_columns(Organization, Membership)
    .outerjoin(Organization, Organization.slug == bindparam("slug"))
    .outerjoin(Membership, _active_membership(User.id))
)


def _authenticate_bearer(slug: str | None) -> tuple | None:
    """Signs the token's person in (g.api_user), or aborts 401. With a ``slug``: the URL's
    organisation and their membership of it, read with the token."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        abort(401, "send Authorization: Bearer <token>")
    values = tokens.lookup_values(raw.strip())
    if slug is None:
        row = db.session.execute(tokens.TOKEN_LOOKUP, values).first()
    else:
        row = db.session.execute(_TOKEN_AND_MEMBERSHIP, {**values, "slug": slug}).first()
    user = tokens.accepted(row[0] if row is not None else None, request.remote_addr)
    if user is None:
        abort(401, "unknown or revoked token")
    g.api_user = user
    return (row[2], row[3]) if slug is not None else None
