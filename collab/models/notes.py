"""Organisations' edited training notes (with versions) and who has read which note."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collab.models.accounts import User, one_of
from collab.platform.clock import UTCDateTime, utcnow
from collab.platform.extensions import db
from collab.platform.i18n import LANGUAGES

# The version number of collab's shipped note: an organisation's own versions start at 1.
SHIPPED_VERSION = 0


class NoteVersion(db.Model):
    """One saved text of an organisation's note for a category in one language; never changed
    afterwards.

    Each language keeps its own chain: the highest ``version`` of (organisation, category,
    language) is the organisation's copy in that language; without any row the note shipped
    in that language applies. Reverting saves a new version copying an old one."""

    __tablename__ = "note_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Set when this version restored an earlier one (0: collab's shipped note).
    reverted_from: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()

    __table_args__ = (
        # Two editors saving at once cannot both write version n + 1 of a language; it also
        # serves "the latest version of this category in this language" as an index scan.
        UniqueConstraint("organization_id", "category", "language", "version"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint(one_of("language", LANGUAGES), name="language"),
        # The digest asks which notes changed since yesterday.
        Index("ix_note_version_org_created", "organization_id", "created_at"),
    )


class NoteRead(db.Model):
    """The newest version of a category's note that a person has read in an organisation, in
    one language.

    One row per (person, organisation, category, language); reading again moves ``version``
    forward. A read is current while ``version`` equals the current version of the note in
    that language (0 = shipped): an edit in the other language leaves it current."""

    __tablename__ = "note_read"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    version: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        # Read rates join (assignee, organisation, category) of open tasks to this key.
        UniqueConstraint("user_id", "organization_id", "category", "language"),
        CheckConstraint("version >= 0", name="version"),
        CheckConstraint(one_of("language", LANGUAGES), name="language"),
        Index("ix_note_read_org_category", "organization_id", "category", "version"),
    )
