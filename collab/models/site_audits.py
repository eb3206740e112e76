"""Site audits imported from the agency's tools: each import, the issues it tracks across
imports, what each import changed (so a director can undo it), and each organisation's own
site hosts, routing overrides and crawler CSV columns.

The audit log of sign-ins and rights is another thing (collab.models.audit); these are audits
of the organisation's website.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collab.models.accounts import User, one_of
from collab.platform.clock import UTCDateTime, utcnow
from collab.platform.extensions import db

ISSUE_STATES = ("open", "resolved")
# What an import did to one tracked issue (and so to its recommendation).
CHANGE_ACTIONS = ("created", "updated", "unchanged", "resolved", "regressed")
CSV_ROLES = ("url", "issue", "details")


class AuditImport(db.Model):
    """One import: who sent which files when, what the tool said, and the answer it got.

    ``result`` holds the answer of the API (findings pointing at recommendations, and the
    recommendation ids created, updated, unchanged, resolved and regressed). A repeat of an
    earlier import's very files keeps no findings of its own: ``repeat_of_id`` names the
    import whose findings it repeats."""

    __tablename__ = "audit_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    source: Mapped[str] = mapped_column(String(20))
    tool: Mapped[str] = mapped_column(String(300))
    version: Mapped[str | None] = mapped_column(String(40))
    files: Mapped[list] = mapped_column(JSON)
    # The newest report date of the import (Lighthouse's fetchTime, a CSV's audited_on).
    audited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pages: Mapped[list] = mapped_column(JSON)
    page_count: Mapped[int] = mapped_column(Integer)
    hosts: Mapped[list] = mapped_column(JSON)
    # SHA-256 of the files' bytes (and the settings that read them): a repeat is recognised.
    digest: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict] = mapped_column(JSON)
    repeat_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_import.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    imported_by: Mapped[User | None] = relationship(foreign_keys=[imported_by_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])

    __table_args__ = (Index("ix_audit_import_org_id", "organization_id", "id"),)


class AuditIssue(db.Model):
    """One issue type of an organisation's site (a finding group's stable key) and the
    recommendation it became: the state every later import is compared with.

    ``urls`` are the affected pages, worst first, each ``[url, figures in words]``;
    ``checked_at`` is the date of the newest report that said anything about the issue, so
    an older report imported late never undoes what a newer one said."""

    __tablename__ = "audit_issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    # "csv:" and a slug of an issue name of up to 300 characters.
    key: Mapped[str] = mapped_column(String(400))
    source: Mapped[str] = mapped_column(String(20))
    keys: Mapped[list] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(300))
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default="open")
    urls: Mapped[list] = mapped_column(JSON)
    figures: Mapped[dict] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The import that last changed this row: undoing an older one must not undo its work.
    last_import_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_import.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("organization_id", "key"),
        CheckConstraint(one_of("state", ISSUE_STATES), name="state"),
        Index("ix_audit_issue_org_state", "organization_id", "source", "state"),
    )


class AuditChange(db.Model):
    """What one import did to one issue, with the issue and recommendation as they were
    before (``before``; None for what it created), so the import can be undone."""

    __tablename__ = "audit_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("audit_import.id", ondelete="CASCADE"), index=True
    )
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("audit_issue.id", ondelete="SET NULL"))
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendation.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict | None] = mapped_column(JSON)

    __table_args__ = (CheckConstraint(one_of("action", CHANGE_ACTIONS), name="action"),)


class AuditSite(db.Model):
    """A host of the organisation's website: audits of other hosts are refused."""

    __tablename__ = "audit_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    host: Mapped[str] = mapped_column(String(255))
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("organization_id", "host"),)


class AuditRouting(db.Model):
    """An organisation's own category for an audit id or crawler issue, tried before
    collab's tables: ``identifier`` is ``source:key`` or a plain key."""

    __tablename__ = "audit_routing"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    identifier: Mapped[str] = mapped_column(String(400))
    category: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("organization_id", "identifier"),)


class AuditCsvColumn(db.Model):
    """The column of another crawler's CSV that holds the URL, the issue or the details, as
    this organisation's files name it (remembered so each import need not say it again)."""

    __tablename__ = "audit_csv_column"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    column: Mapped[str] = mapped_column(String(200))

    __table_args__ = (
        UniqueConstraint("organization_id", "role"),
        CheckConstraint(one_of("role", CSV_ROLES), name="role"),
    )
