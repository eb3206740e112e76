"""Organisations, people, their roles, and the credentials they sign in with."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.util import identity_key

from collab.platform.clock import UTCDateTime, utcnow
from collab.platform.extensions import db
from collab.platform.i18n import LANGUAGES

TEAMS = ("it", "marketing")
ROLES = ("agency", "cio", "cmo", "it", "marketing")
DIRECTOR_ROLES = ("cio", "cmo")
STAFF_ROLES = TEAMS  # a staff member's role is the team they work in
# Each team's director: the one place that says the CIO leads IT and the CMO marketing.
DIRECTOR_OF_TEAM = {"it": "cio", "marketing": "cmo"}
# Who works a team's tasks and may be assigned them: its staff (whose role is named after
# the team) and its director.
TEAM_ROLES = {team: (team, director) for team, director in DIRECTOR_OF_TEAM.items()}
ORG_KINDS = ("client", "agency")
# The words people read for teams and roles, defined once (see STATUS_LABELS).
TEAM_LABELS = {"it": "IT", "marketing": "Marketing"}
UNROUTED = "Unrouted"  # a task no rule could give a team: both directors decide
ROLE_LABELS = {
    "cio": "CIO (IT director)",
    "cmo": "CMO (marketing director)",
    "it": "IT staff",
    "marketing": "Marketing staff",
    "agency": "Agency",
}


def one_of(column: str, values) -> str:
    """A CHECK or index predicate built from a list above, so the schema never restates the
    list (it renders exactly as the migrations wrote it)."""
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Organization(db.Model):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="client")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The ISO 4217 code every money amount of the organisation is in (collab.kpis.money).
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    # Default due dates by priority, in days from filing (editable by the directors).
    due_days_urgent: Mapped[int] = mapped_column(default=3, server_default="3")
    due_days_high: Mapped[int] = mapped_column(default=14, server_default="14")
    due_days_medium: Mapped[int] = mapped_column(default=30, server_default="30")
    due_days_low: Mapped[int] = mapped_column(default=60, server_default="60")
    # Alert policy (see collab.followup.policy): thresholds and how lateness is counted.
    alert_due_soon_days: Mapped[int] = mapped_column(default=2, server_default="2")
    alert_level_days: Mapped[str] = mapped_column(
        String(32), default="1,3,7", server_default="1,3,7"
    )
    alert_triage_days: Mapped[int] = mapped_column(default=2, server_default="2")
    alert_business_days: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    alert_holidays: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The local date of the last finished scan: the next one only looks at what came due
    # since (and at tasks marked for a check). None means "look at everything".
    alert_scanned_on: Mapped[date | None] = mapped_column(Date)
    # Bumped (facts_changed) by every write to what training notes read organisation-wide:
    # note versions, the category -> metrics map, metric definitions, KPI observations,
    # measured impacts and the finished tasks they belong to. Processes cache those facts
    # by (organisation, facts_version).
    facts_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organization")

    __table_args__ = (CheckConstraint(one_of("kind", ORG_KINDS), name="kind"),)

    def due_days(self, priority: str) -> int:
        return getattr(self, f"due_days_{priority}")


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Changing this ends every session signed with the old value (deactivation, new password).
    session_epoch: Mapped[int] = mapped_column(default=0)
    # How notifications reach this person by e-mail: at once, in a daily digest, or not.
    email_mode: Mapped[str] = mapped_column(
        String(16), default="immediate", server_default="immediate"
    )
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The profile's choices; None reads the browser's language and UTC (collab.platform.i18n).
    language: Mapped[str | None] = mapped_column(String(2))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    __table_args__ = (CheckConstraint(one_of("language", LANGUAGES), name="language"),)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Membership(db.Model):
    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships")

    __table_args__ = (
        UniqueConstraint("user_id", "organization_id"),
        CheckConstraint(one_of("role", ROLES), name="role"),
        Index("ix_membership_org_role", "organization_id", "role"),
    )

    @property
    def is_director(self) -> bool:
        return self.role in DIRECTOR_ROLES


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100), default="")
    # Only a SHA-256 of the token is kept; the token itself is shown once.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Invitation(db.Model):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship()


class PasswordReset(db.Model):
    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


FACTS_CHANGED = "facts_changed"  # Session.info: organisations bumped in this transaction


def facts_changed(org_id: int) -> None:
    """This transaction changes what the organisation's training notes read: bump its
    ``facts_version`` with the change, so that no process serves the old facts once it
    commits. A loaded organisation reads the new number again (never a guessed one)."""
    db.session.execute(
        update(Organization)
        .where(Organization.id == org_id)
        .values(facts_version=Organization.facts_version + 1)
        .execution_options(synchronize_session=False)
    )
    loaded = db.session.identity_map.get(identity_key(Organization, org_id))
    if loaded is not None:
        db.session.expire(loaded, ["facts_version"])
    db.session.info.setdefault(FACTS_CHANGED, set()).add(org_id)


def facts_uncommitted(session: Session, org_id: int) -> bool:
    """Whether this session's open transaction changed the organisation's facts: what it
    reads then is its own, not yet anybody's, and must not be cached."""
    return org_id in session.info.get(FACTS_CHANGED, ())


@event.listens_for(Session, "after_transaction_end")
def _forget_changed_facts(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(FACTS_CHANGED, None)
