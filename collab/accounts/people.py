"""Organisations, people, invitations, passwords and API tokens: the operations."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext
from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager

from collab.accounts import audit
from collab.accounts.passwords import check_password_strength, hash_password
from collab.models import (
    ROLES,
    ApiToken,
    Membership,
    Organization,
    User,
)
from collab.models.accounts import DIRECTOR_ROLES
from collab.platform import broadcast
from collab.platform.clock import utcnow
from collab.platform.errors import N_, ValidationFailed
from collab.platform.extensions import db
from collab.platform.i18n import is_time_zone
from collab.platform.i18n import supported as supported_language
from collab.platform.tenancy import row_of
from collab.platform.text import has_visible_text


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(
            gettext("invalid e-mail address"),
            {
                "email": gettext(
                    "%(address)s is not an e-mail address; write it as name@example.com",
                    address=repr(email.strip()[:100]),
                )
            },
        ) from exc


# --- organisations -------------------------------------------------------------------------


# --- users and memberships -----------------------------------------------------------------


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def names_by_email(emails) -> dict[str, str]:
    """Each known address's display name, in one statement: history records the address of
    whoever was assigned, and people read names."""
    wanted = sorted({email for email in emails if email})
    if not wanted:
        return {}
    users = db.session.scalars(select(User).where(User.email.in_(wanted)))
    return {user.email: user.display_name for user in users}


def create_user(
    email: str, password: str | None = None, name: str = "", is_admin: bool = False
) -> User:
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise ValidationFailed(
            gettext("user exists"),
            {"email": gettext("already registered; sign in with it, or give another address")},
        )
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
        raise ValidationFailed(
            gettext("unknown role"),
            {"role": gettext("choose one of %(choices)s", choices=", ".join(ROLES))},
        )
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
    return row_of(
        org.id,
        Membership,
        membership_id,
        N_("there is no member #%(id)s here; choose someone from the list of people"),
    )


def change_role(
    org: Organization, membership: Membership, role: str, by: User | None = None
) -> Membership:
    if role not in ROLES:
        raise ValidationFailed(
            gettext("unknown role"),
            {"role": gettext("choose one of %(choices)s", choices=", ".join(ROLES))},
        )
    demoting = membership.role in DIRECTOR_ROLES and role not in DIRECTOR_ROLES
    if demoting and membership.active and _active_directors(org) <= 1:
        raise ValidationFailed(
            gettext("the last director cannot be demoted"),
            {"role": gettext("appoint another CIO or CMO first")},
        )
    if membership.role != role:
        audit.record(
            "role.changed",
            org,
            actor=by,
            subject=membership.user,
            detail=f"{membership.role} → {role}",
        )
        access_changed(membership.user)
    membership.role = role
    db.session.flush()
    return membership


def end_sessions(user: User) -> None:
    """Every session and remember-me token of this person stops opening anything."""
    user.session_epoch += 1
    access_changed(user)


def access_channel(user_id: int) -> str:
    return f"collab:access:{user_id}"


def access_changed(user: User) -> None:
    """Ends this person's open live streams once the change commits: each comes back through
    the permission check, so a removed member's board stops hearing at once."""
    broadcast.to_say(db.session)[access_channel(user.id)] = {"end": True}


# --- signing in ----------------------------------------------------------------------------


# --- API tokens ----------------------------------------------------------------------------


# --- invitations ---------------------------------------------------------------------------


# --- forgotten passwords -------------------------------------------------------------------


EMAIL_MODES = ("immediate", "digest", "off")


def set_email_mode(user: User, mode: str) -> None:
    if mode not in EMAIL_MODES:
        raise ValidationFailed(
            gettext("unknown choice"),
            {"email_mode": gettext("choose one of %(choices)s", choices=", ".join(EMAIL_MODES))},
        )
    user.email_mode = mode
    db.session.flush()


NAME_LENGTH = 200


def _language_problem(language: str | None) -> str | None:
    if language and not supported_language(language):
        return gettext("Language: choose English or Russian, or your browser's language.")
    return None


def set_language(user: User, language: str | None) -> None:
    """The language collab speaks to this person everywhere; None follows their browser."""
    problem = _language_problem(language)
    if problem:
        raise ValidationFailed(gettext("unknown language"), {"language": problem})
    user.language = supported_language(language)
    db.session.flush()


def edit_profile(user: User, name: str, time_zone: str | None, language: str | None) -> None:
    """A person's own name, time zone (an IANA name; none reads UTC) and language (none
    follows their browser). Every problem is told at once, on its field, in their words."""
    name = (name or "").strip()
    zone = (time_zone or "").strip() or None
    problems = {}
    if not has_visible_text(name):
        problems["name"] = gettext("Name: enter the name your colleagues know you by.")
    elif len(name) > NAME_LENGTH:
        problems["name"] = gettext(
            "Name: shorten it to %(count)s characters or fewer.", count=NAME_LENGTH
        )
    if zone is not None and not is_time_zone(zone):
        problems["time_zone"] = gettext(
            "Time zone: choose one from the list, such as Europe/Moscow."
        )
    if _language_problem(language):
        problems["language"] = _language_problem(language)
    if problems:
        raise ValidationFailed(gettext("the profile was not saved"), problems)
    user.name = name
    user.time_zone = zone
    user.language = supported_language(language)
    db.session.flush()


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


def check_removable(org: Organization, membership: Membership) -> None:
    """The last active director of an organisation cannot leave it."""
    if membership.role in DIRECTOR_ROLES and _active_directors(org) <= 1:
        raise ValidationFailed(
            gettext("the last director cannot be removed"),
            {"member": gettext("appoint another CIO or CMO first")},
        )


def end_membership(membership: Membership, by: User | None = None) -> Membership:
    """Ends one membership; with no other left, the person's sessions and tokens end too."""
    if membership.active:
        audit.record(
            "member.deactivated",
            membership.organization_id,
            actor=by,
            subject=membership.user,
            detail=f"was {membership.role}",
        )
    membership.active = False
    user = membership.user
    still_member = db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.user_id == user.id, Membership.active.is_(True))
    )
    access_changed(user)
    if not still_member and not user.is_admin:
        user.active = False
        end_sessions(user)
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    db.session.flush()
    return membership
