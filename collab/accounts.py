"""Organisations, people, invitations, passwords and API tokens: the operations."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager
from werkzeug.security import check_password_hash, generate_password_hash

from collab.delivery import queue_email
from collab.errors import NotFound, ValidationFailed
from collab.extensions import db
from collab.models import (
    ROLES,
    ApiToken,
    Invitation,
    Membership,
    Organization,
    PasswordReset,
    User,
)
from collab.models.accounts import DIRECTOR_ROLES, ORG_KINDS
from collab.timeutil import utcnow, valid_timezone

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
MIN_PASSWORD = 10
# Token last-use is written at most this often, so busy scripts do not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed("invalid e-mail address", {"email": str(exc)}) from exc


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(
            "password too short", {field: f"use at least {MIN_PASSWORD} characters"}
        )


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


# --- organisations -------------------------------------------------------------------------


def org_by_slug(slug: str) -> Organization:
    org = db.session.scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        raise NotFound(f"no organisation {slug!r}")
    return org


def create_org(slug: str, name: str, kind: str = "client", timezone: str = "UTC") -> Organization:
    errors = {}
    if not SLUG.match(slug or ""):
        errors["slug"] = "lower-case letters, digits and dashes, up to 64 characters"
    if not (name or "").strip():
        errors["name"] = "required"
    if kind not in ORG_KINDS:
        errors["kind"] = f"one of {', '.join(ORG_KINDS)}"
    if not valid_timezone(timezone):
        errors["timezone"] = "an IANA time zone name, e.g. Europe/Moscow"
    if not errors and db.session.scalar(select(Organization.id).where(Organization.slug == slug)):
        errors["slug"] = "already taken"
    if errors:
        raise ValidationFailed("organisation not created", errors)
    org = Organization(slug=slug, name=name.strip(), kind=kind, timezone=timezone)
    db.session.add(org)
    db.session.flush()
    return org


# --- users and memberships -----------------------------------------------------------------


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(
    email: str, password: str | None = None, name: str = "", is_admin: bool = False
) -> User:
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise ValidationFailed("user exists", {"email": "already registered"})
    if password is not None:
        check_password_strength(password)
    user = User(
        email=email,
        name=name.strip(),
        is_admin=is_admin,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def add_membership(user: User, org: Organization, role: str) -> Membership:
    if role not in ROLES:
        raise ValidationFailed("unknown role", {"role": f"one of {', '.join(ROLES)}"})
    membership = db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organization_id == org.id
        )
    )
    if membership is None:
        membership = Membership(user=user, organization=org, role=role)
        db.session.add(membership)
    else:
        membership.role = role
        membership.active = True
    if not user.active:
        user.active = True
    db.session.flush()
    return membership


def memberships_of(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .join(Organization)
            .options(contains_eager(Membership.organization))
            .where(Membership.user_id == user.id, Membership.active.is_(True))
            .order_by(Organization.name)
        )
    )


def members_of(org: Organization, include_inactive: bool = False) -> list[Membership]:
    query = (
        select(Membership)
        .join(User)
        .options(contains_eager(Membership.user))
        .where(Membership.organization_id == org.id)
    )
    if not include_inactive:
        query = query.where(Membership.active.is_(True))
    return list(db.session.scalars(query.order_by(Membership.active.desc(), User.email)))


def _active_directors(org: Organization) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.organization_id == org.id,
            Membership.active.is_(True),
            Membership.role.in_(DIRECTOR_ROLES),
        )
    )


def membership_in(org: Organization, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organization_id != org.id:
        raise NotFound("no such member")
    return membership


def change_role(org: Organization, membership: Membership, role: str) -> Membership:
    if role not in ROLES:
        raise ValidationFailed("unknown role", {"role": f"one of {', '.join(ROLES)}"})
    demoting = membership.role in DIRECTOR_ROLES and role not in DIRECTOR_ROLES
    if demoting and membership.active and _active_directors(org) <= 1:
        raise ValidationFailed(
            "the last director cannot be demoted",
            {"role": "appoint another CIO or CMO first"},
        )
    membership.role = role
    db.session.flush()
    return membership


def deactivate_member(
    org: Organization,
    membership: Membership,
    actor: Membership | None = None,
    colleague: Membership | None = None,
) -> Membership:
    """A leaver loses this organisation at once (with no other: every session and token);
    their open tasks go to `colleague`, or back to triage."""
    if not membership.active:
        return membership
    if membership.role in DIRECTOR_ROLES and _active_directors(org) <= 1:
        raise ValidationFailed(
            "the last director cannot be removed", {"member": "appoint another CIO or CMO first"}
        )
    if colleague is not None and (
        colleague.organization_id != org.id or not colleague.active or colleague.id == membership.id
    ):
        raise ValidationFailed("pick an active colleague", {"colleague": "not an active member"})
    from collab.tasks import hand_over_open_tasks

    hand_over_open_tasks(org, membership.user, actor or membership, colleague)
    membership.active = False
    user = membership.user
    still_member = db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.user_id == user.id, Membership.active.is_(True))
    )
    if not still_member and not user.is_admin:
        user.active = False
        user.session_epoch += 1
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    db.session.flush()
    return membership


# --- signing in ----------------------------------------------------------------------------


@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("collab-timing-equaliser", method=method)


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None without saying which part was wrong."""
    user = user_by_email(email or "")
    if user is None or not user.password_hash:
        # Hash anyway, so a miss costs as much time as a hit and reveals nothing.
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.active:
        return None
    return user


def set_password(user: User, password: str) -> None:
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.session_epoch += 1  # other devices signed in with the old password are signed out
    db.session.flush()


def load_session_user(session_id: str) -> User | None:
    user_id, _, epoch = (session_id or "").partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


# --- API tokens ----------------------------------------------------------------------------


def issue_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    raw = "collab_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip()[:100], token_hash=digest(raw), prefix=raw[:12])
    db.session.add(token)
    db.session.flush()
    return token, raw


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("no such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.flush()
    return token


def user_for_token(raw: str) -> User | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token.user


# --- invitations ---------------------------------------------------------------------------


def invite(
    org: Organization, email: str, role: str, invited_by: User, link_for
) -> tuple[Invitation, str]:
    """Invite someone by e-mail; link_for(raw_token) builds the absolute link to send."""
    email = normalise_email(email)
    if role not in ROLES:
        raise ValidationFailed("unknown role", {"role": f"one of {', '.join(ROLES)}"})
    existing = user_by_email(email)
    if existing is not None and db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == existing.id,
            Membership.organization_id == org.id,
            Membership.active.is_(True),
        )
    ):
        raise ValidationFailed(
            "already a member", {"email": "already a member of this organisation"}
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
    link = link_for(raw)
    queue_email(
        email,
        f"You are invited to {org.name} on collab",
        f"{invited_by.display_name} invited you to join {org.name} as {role}.\n\n"
        f"Accept within {current_app.config['INVITATION_HOURS']} hours: {link}\n",
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
        raise NotFound("this invitation link is invalid, used or expired")
    return invitation


def accept_invitation(raw: str, name: str = "", password: str | None = None) -> User:
    invitation = open_invitation(raw)
    user = user_by_email(invitation.email)
    if user is None:
        if not password:
            raise ValidationFailed("choose a password", {"password": "required"})
        user = create_user(invitation.email, password=password, name=name)
    add_membership(user, invitation.organization, invitation.role)
    invitation.accepted_at = utcnow()
    db.session.flush()
    return user


# --- forgotten passwords -------------------------------------------------------------------


def request_password_reset(email: str, link_for) -> None:
    """Mails a single-use link if the address is known; says nothing either way."""
    user = user_by_email(email or "")
    if user is None or not user.active:
        return
    raw = secrets.token_urlsafe(32)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    db.session.add(
        PasswordReset(
            user=user, token_hash=digest(raw), expires_at=utcnow() + timedelta(minutes=minutes)
        )
    )
    db.session.flush()
    queue_email(
        user.email,
        "Reset your collab password",
        f"Someone asked to reset the password of {user.email}.\n\n"
        f"Choose a new one within {minutes} minutes: {link_for(raw)}\n\n"
        "If it was not you, ignore this message: your password stays as it is.\n",
    )


def open_password_reset(raw: str) -> PasswordReset:
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == digest(raw)))
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise NotFound("this reset link is invalid, used or expired")
    return reset


def reset_password(raw: str, password: str) -> User:
    reset = open_password_reset(raw)
    set_password(reset.user, password)
    reset.used_at = utcnow()
    db.session.flush()
    return reset.user


EMAIL_MODES = ("immediate", "digest", "off")


def set_email_mode(user: User, mode: str) -> None:
    if mode not in EMAIL_MODES:
        raise ValidationFailed("unknown choice", {"email_mode": "one of " + ", ".join(EMAIL_MODES)})
    user.email_mode = mode
    db.session.flush()
