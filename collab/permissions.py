"""Who may do what: the one place every view, the API and the CLI ask.

Each route declares what it needs with @access(...). A hook that runs before every
request reads that declaration, finds who is asking (a session or an API token),
resolves the organisation named in the URL and refuses what the role does not allow.
A route that declares nothing is refused, so a forgotten declaration fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from collab.extensions import db
from collab.models import Membership, Organization, User

ALL_ROLES = frozenset({"agency", "cio", "cmo", "it", "marketing"})
DIRECTORS = frozenset({"cio", "cmo"})
STAFF = frozenset({"it", "marketing"})

# action -> roles allowed. Finer rules (own team only, no internal comments for the
# agency) are checked by the domain functions with the helpers below.
ACTIONS: dict[str, frozenset[str]] = {
    "org.view": ALL_ROLES,
    "board.view": ALL_ROLES,
    "recommendation.file": frozenset({"agency"}) | DIRECTORS,
    "task.triage": DIRECTORS,
    "task.move": DIRECTORS | STAFF,
    "task.backfill": DIRECTORS,
    "comment.create": ALL_ROLES,
    "comment.internal": DIRECTORS | STAFF,
    "people.view": DIRECTORS,
    "people.manage": DIRECTORS,
    "settings.edit": DIRECTORS,
    "kpi.view": ALL_ROLES,
    "kpi.write": frozenset({"agency"}) | DIRECTORS,
    "notes.edit": frozenset({"agency"}) | DIRECTORS,
    "notes.mark_read": DIRECTORS | STAFF,
}


def role_may(role: str | None, action: str) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return role in ACTIONS[action]


def membership_of(user: User | None, org: Organization) -> Membership | None:
    if user is None or not user.is_authenticated or not user.active:
        return None
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.organization_id == org.id,
            Membership.active.is_(True),
        )
    )


def can(user: User | None, org: Organization, action: str) -> bool:
    membership = membership_of(user, org)
    return membership is not None and role_may(membership.role, action)


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
    if is_api_request():
        from collab.api.auth import authenticate_request

        authenticate_request()  # aborts with 401 JSON
    user = current_principal()
    if user is None:
        if is_api_request():
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if rule.operator:
        if not user.is_admin:
            abort(403)
        return
    slug = (request.view_args or {}).get("org")
    if rule.action is None:
        if slug is not None:
            raise RuntimeError(f"{request.endpoint} takes <org> but declares no action")
        return
    if slug is None:
        raise RuntimeError(f"{request.endpoint} declares {rule.action} but has no <org>")
    org = db.session.scalar(select(Organization).where(Organization.slug == slug))
    membership = membership_of(user, org) if org is not None else None
    if membership is None:
        abort(404)  # another organisation's URLs do not exist for this user
    g.org = org
    g.membership = membership
    if not role_may(membership.role, rule.action):
        abort(403)
