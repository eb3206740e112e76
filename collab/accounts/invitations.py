"""Invitations: a link that makes someone a member, once, within 72 hours."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from collab.accounts import audit
from collab.accounts.people import add_membership, create_user, normalise_email, user_by_email
from collab.accounts.tokens import digest
from collab.models import (
    ROLES,
    Invitation,
    Membership,
    Organization,
    User,
)
from collab.models.accounts import ROLE_LABELS
from collab.notifications.outbox import queue_email
from collab.platform.clock import utcnow
from collab.platform.errors import NotFound, ValidationFailed
from collab.platform.extensions import db


def invite(
    org: Organization, email: str, role: str, invited_by: User, link_for
) -> tuple[Invitation, str]:
    """Invite someone by e-mail; link_for(raw_token) builds the absolute link to send."""
    email = normalise_email(email)
    if role not in ROLES:
        raise ValidationFailed(
            gettext("unknown role"),
            {"role": gettext("choose one of %(choices)s", choices=", ".join(ROLES))},
        )
    existing = user_by_email(email)
    if existing is not None and db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == existing.id,
            Membership.organization_id == org.id,
            Membership.active.is_(True),
        )
    ):
        raise ValidationFailed(
            gettext("already a member"),
            {"email": gettext("already a member of this organisation")},
        )
    raw = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization=org,
        email=email,
        role=role,
        token_hash=digest(raw),
        invited_by=invited_by,
        expires_at=utcnow() + timedelta(hours=current_app.config["INVITATION_HOURS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation.sent", org, actor=invited_by, email=email, detail=f"as {role}")
    link = link_for(raw)
    # The invitee has no profile yet: they read the language the inviter works in.
    queue_email(
        email,
        gettext("You are invited to %(org)s on collab", org=org.name),
        gettext(
            "%(who)s invited you to join %(org)s as %(role)s.\n\n"
            "Accept within %(hours)s hours: %(link)s\n",
            who=invited_by.display_name,
            org=org.name,
            role=ROLE_LABELS[role],
            hours=current_app.config["INVITATION_HOURS"],
            link=link,
        ),
        org=org,
    )
    return invitation, link


def pending_invitations(org: Organization) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.organization_id == org.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc())
        )
    )


def open_invitation(raw: str) -> Invitation:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == digest(raw)))
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= utcnow()
    ):
        raise NotFound(
            gettext(
                "this invitation link is invalid, used or expired; ask whoever invited you "
                "for a new one"
            )
        )
    return invitation


def accept_invitation(raw: str, name: str = "", password: str | None = None) -> User:
    invitation = open_invitation(raw)
    user = user_by_email(invitation.email)
    if user is None:
        if not password:
            raise ValidationFailed(gettext("choose a password"), {"password": gettext("required")})
        user = create_user(invitation.email, password=password, name=name)
    add_membership(user, invitation.organization, invitation.role)
    invitation.accepted_at = utcnow()
    audit.record(
        "invitation.accepted",
        invitation.organization,
        actor=user,
        subject=user,
        detail=f"as {invitation.role}",
    )
    db.session.flush()
    return user
