"""The audit log: who signed in, which token was used, who changed whose rights."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collab.models.accounts import User
from collab.platform.clock import UTCDateTime, utcnow
from collab.platform.extensions import db


class AuditEvent(db.Model):
    """One row per event and organisation: an event about a person who belongs to two
    organisations is written for each, so each organisation's directors read only theirs.
    Rows are only ever added; nothing in collab updates or deletes them."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: nobody's organisation (a sign-in attempt for an unknown address, an operator).
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE")
    )
    action: Mapped[str] = mapped_column(String(40))
    # Who did it, and whom it concerns (the same person for a sign-in).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # The e-mail address as typed or as it was then, kept when the account is gone.
    email: Mapped[str] = mapped_column(String(254), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])

    __table_args__ = (Index("ix_audit_event_org_id", "organization_id", "id"),)
