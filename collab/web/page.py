"""What the header of every page shows, worked out here once per request.

Templates receive it as plain values (names, links, a count) and never call the domain:
the rules of who sees which link are the roles table's, asked here, not retyped in
base.html. Error pages rendered by collab.http get it too, so a 404 keeps its navigation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Flask, g, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from collab.accounts.people import memberships_of
from collab.accounts.roles import role_may
from collab.notifications.inbox import unread_count


@dataclass(frozen=True)
class Link:
    label: str  # or a lazy translation, read in the request's language
    url: str
    current: bool = False
    note: str = ""  # said after the label, smaller: the role in an organisation


@dataclass(frozen=True)
class Header:
    signed_in: bool = False
    profile: Link | None = None  # the person's own page, under their name
    org_name: str = ""  # the organisation of the page, if it belongs to one
    orgs: tuple[Link, ...] = ()  # the switcher, when the person belongs to several
    links: tuple[Link, ...] = ()
    notifications: Link | None = None
    unread: int = 0
    operator: Link | None = None


# (label, endpoint, the right that shows the link, other blueprints whose pages it covers)
_ORG_LINKS = (
    (_l("Board"), "board.board", "board.view", ("board", "tasks", "recommendations")),
    (_l("My tasks"), "lists.my_tasks", "task.move", ()),
    (_l("Archive"), "lists.archive", "board.view", ()),
    (_l("File a recommendation"), "recommendations.new", "recommendation.file", ()),
    (_l("Site audits"), "audits.index", "audit.import", ("audits",)),
    (_l("KPIs"), "kpis.dashboard", "kpi.view", ("kpis",)),
    (_l("Monthly report"), "reports.monthly", "report.view", ("reports",)),
    (_l("Training notes"), "notes.index", "org.view", ("notes",)),
    # The agency keeps no reading record, so it has no training of its own to follow.
    (_l("My training"), "notes.my_training", "notes.mark_read", ()),
    (_l("People"), "people.index", "people.view", ("people",)),
    (_l("Settings"), "settings.index", "settings.edit", ("settings",)),
    (_l("Audit log"), "audit.index", "audit.view", ("audit",)),
)
_TARGETS = {target for _, target, _, _ in _ORG_LINKS}


def _is_current(target: str, blueprints: tuple[str, ...]) -> bool:
    """The link of this page: its own endpoint, else the section its blueprint belongs to."""
    if request.endpoint in _TARGETS:
        return request.endpoint == target
    return request.blueprint in blueprints


def _org_links(org, role: str) -> tuple[Link, ...]:
    return tuple(
        Link(label, url_for(target, org=org.slug), _is_current(target, blueprints))
        for label, target, action, blueprints in _ORG_LINKS
        if role_may(role, action)
    )


def is_htmx() -> bool:
    """An htmx request: answered with a fragment of the page, never the whole page."""
    return request.headers.get("HX-Request") == "true"


def header() -> Header:
    """The header of this request's page: worked out on first use, then kept for the request."""
    if "header" not in g:
        g.header = _compute()
    return g.header


def _compute() -> Header:
    if not current_user.is_authenticated:
        return Header()
    org, membership = g.get("org"), g.get("membership")
    orgs = tuple(
        Link(
            m.organization.name,
            url_for("board.board", org=m.organization.slug),
            current=org is not None and m.organization_id == org.id,
            note=m.role,
        )
        for m in memberships_of(current_user)
    )
    signed_in = Header(
        signed_in=True,
        profile=Link(
            current_user.display_name, url_for("profile.index"), request.blueprint == "profile"
        ),
        orgs=orgs if len(orgs) > 1 else (),
        operator=Link(gettext("Operations"), url_for("admin.index"), request.blueprint == "admin")
        if current_user.is_admin
        else None,
    )
    if org is None or membership is None:
        return signed_in
    return replace(
        signed_in,
        org_name=org.name,
        links=_org_links(org, membership.role),
        notifications=Link(
            gettext("Notifications"),
            url_for("notifications.index", org=org.slug),
            request.blueprint == "notifications",
        ),
        unread=unread_count(current_user, org),
    )


def install(app: Flask) -> None:
    @app.context_processor
    def shared_context():
        # A fragment never shows the header, so an htmx request does not pay for its queries.
        return {
            "header": None if is_htmx() else header(),
            # Still read by the KPI templates, whose views are being split: once they pass
            # their rights as values like the other views, this key can go.
            "current_membership": g.get("membership"),
        }
