"""Recommendations, the tasks they become, comments, history and in-app notifications."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from collab.models.accounts import TEAM_ROLES, TEAMS, Organization, User, one_of
from collab.platform.clock import UTCDateTime, utcnow
from collab.platform.extensions import db

STATUSES = ("triage", "todo", "in_progress", "review", "done", "rejected")
# The one list of open and closed statuses; everything else asks these.
OPEN_STATUSES = STATUSES[:4]
CLOSED_STATUSES = STATUSES[4:]
PRIORITIES = ("urgent", "high", "medium", "low")
RESOLUTIONS = ("wont_do", "duplicate")
# The words people read for each value, defined once: every page, message and the history
# say "To do", never "todo". Lazy translations: each reads in the language of the page or
# message it lands in ("К выполнению" in Russian), and everything follows.
STATUS_LABELS = {
    "triage": _l("Triage"),
    "todo": _l("To do"),
    "in_progress": _l("In progress"),
    "review": _l("Review"),
    "done": _l("Done"),
    "rejected": _l("Rejected"),
}
PRIORITY_LABELS = {
    "urgent": _l("Urgent"),
    "high": _l("High"),
    "medium": _l("Medium"),
    "low": _l("Low"),
}
RESOLUTION_LABELS = {"wont_do": _l("Won't do"), "duplicate": _l("Duplicate")}
_IS_OPEN = one_of("status", OPEN_STATUSES)


class Recommendation(db.Model):
    __tablename__ = "recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(64))  # as the filer chose it, if at all
    priority: Mapped[str] = mapped_column(String(16), default="medium")
    proposed_due_date: Mapped[date | None] = mapped_column(Date)
    external_id: Mapped[str | None] = mapped_column(String(200))
    url_count: Mapped[int] = mapped_column(Integer, default=0)
    filed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship()
    filed_by: Mapped[User | None] = relationship()
    tasks: Mapped[list[Task]] = relationship(back_populates="recommendation", order_by="Task.id")

    __table_args__ = (
        # NULLs never collide, so recommendations without an external id are unconstrained.
        UniqueConstraint("organization_id", "external_id"),
        Index("ix_recommendation_org_created", "organization_id", "id"),
    )


class RecommendationUrl(db.Model):
    __tablename__ = "recommendation_url"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    # As long as an audit tool may write one (collab.audits.pages.MAX_URL_LENGTH); a form or
    # the API files URLs of up to 2,048 characters.
    url: Mapped[str] = mapped_column(String(4096))
    # The tool's figures for this page in words ("saves ~1,230 ms, 96 KB; mobile"), when an
    # audit import listed it.
    detail: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (UniqueConstraint("recommendation_id", "position"),)


class Task(db.Model):
    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="triage")
    resolution: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"))
    waiting_on_agency: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[str] = mapped_column(String(16), default="medium")
    # 0 = urgent ... 3 = low: columns sort by it through the board index.
    priority_rank: Mapped[int] = mapped_column(Integer, default=2)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    due_date: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The organisation's local date the task (last) entered triage: triage_stale counts from it.
    triage_since: Mapped[date | None] = mapped_column(Date)
    # Set when a change may give the task alerts out of turn (new, re-dated, reopened, no
    # longer waiting); the scan looks at these besides the dates that came due since its
    # last run, and clears the mark.
    alert_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    # What automatic routing chose, kept to measure how often triage keeps it.
    routed_team: Mapped[str | None] = mapped_column(String(16))
    routed_category: Mapped[str] = mapped_column(String(64))
    routing_reason: Mapped[str] = mapped_column(Text)  # in English, as routed
    # The rule that routed it and its terms, worded in each reader's language
    # (collab.work.routing_reasons); null on tasks routed before, which read routing_reason.
    routing_rule: Mapped[str | None] = mapped_column(String(32))
    routing_terms: Mapped[dict | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="tasks")
    assignee: Mapped[User | None] = relationship()
    duplicate_of: Mapped[Task | None] = relationship(remote_side="Task.id")

    @property
    def team_roles(self) -> tuple[str, ...]:
        """The roles that may be assigned this task; none until it has a team."""
        return TEAM_ROLES.get(self.team, ())

    __mapper_args__ = {"version_id_col": version}  # UPDATE ... WHERE version = ? guards races
    __table_args__ = (
        CheckConstraint(one_of("status", STATUSES), name="status"),
        CheckConstraint("team IS NULL OR " + one_of("team", TEAMS), name="team"),
        CheckConstraint(one_of("priority", PRIORITIES), name="priority"),
        CheckConstraint(
            "resolution IS NULL OR " + one_of("resolution", RESOLUTIONS), name="resolution"
        ),
        # The board reads each (column, lane) through this index, LIMIT 50: cost is flat in N.
        Index(
            "ix_task_board",
            "organization_id",
            "status",
            "team",
            "priority_rank",
            "due_date",
            "id",
        ),
        # The API's task list pages in id order: a page costs the same at any history.
        Index("ix_task_org_id", "organization_id", "id"),
        # Range on completed_at, team read from the index: counts and lists recent work alike.
        Index("ix_task_done", "organization_id", "status", "completed_at", "team"),
        Index("ix_task_org_due", "organization_id", "due_date"),
        Index(
            "ix_task_alert_check",
            "organization_id",
            sqlite_where=db.text("alert_check_at IS NOT NULL"),
            postgresql_where=db.text("alert_check_at IS NOT NULL"),
        ),
        # The overdue scan reads only open work: its cost follows open tasks, not history.
        Index(
            "ix_task_open_due",
            "organization_id",
            "due_date",
            sqlite_where=db.text(_IS_OPEN),
            postgresql_where=db.text(_IS_OPEN),
        ),
    )


class BoardCount(db.Model):
    """Cards per (status, team) kept by every change, so the board never counts N rows."""

    __tablename__ = "board_count"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    team: Mapped[str] = mapped_column(String(16), primary_key=True)  # '' = unrouted
    count: Mapped[int] = mapped_column(Integer, default=0)


class Comment(db.Model):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by its author's edit or deletion; a deleted comment's row stays for its history.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship()


class Event(db.Model):
    """One change: who did what to which task, from what to what, when."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE")
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    field: Mapped[str | None] = mapped_column(String(32))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()

    @classmethod
    def on_task(cls, task: Task, actor_id: int | None, kind: str, **values) -> Event:
        event = cls(
            organization_id=task.organization_id,
            task_id=task.id,
            recommendation_id=task.recommendation_id,
            actor_id=actor_id,
            kind=kind,
            **values,
        )
        db.session.add(event)
        return event

    __table_args__ = (
        Index("ix_event_task", "task_id", "id"),
        Index("ix_event_org_kind", "organization_id", "kind", "id"),
    )


class Notification(db.Model):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"))

    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at", "id"),
        # One notification per person per alert, however many scans race to fan it out.
        UniqueConstraint("user_id", "alert_id"),
    )


class RoutingRule(db.Model):
    """An organisation's own phrase -> category or team rule, tried before the built-ins."""

    __tablename__ = "routing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    phrase: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("organization_id", "phrase"),)
