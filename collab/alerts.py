"""The overdue scan: set-based, idempotent, safe to run twice at once.

Each organisation's local "today" and policy give date cutoffs (collab.overdue, pure);
tasks past a cutoff get their alert by INSERT ... SELECT ... WHERE NOT EXISTS, with the
(task, kind, level, due date) unique key as the last word when two scans race. New alerts
fan out to notifications and e-mail in the same way: a few statements per scan, whatever
the number of tasks, and a rescan that finds nothing new writes nothing."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, exists, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from collab import overdue
from collab.delivery import email_rows_for_notifications
from collab.extensions import db
from collab.models import (
    Alert,
    Membership,
    Notification,
    Organization,
    Recommendation,
    Task,
    User,
)
from collab.timeutil import local_today, utcnow

log = logging.getLogger(__name__)
OPEN = overdue.OPEN_STATUSES


@dataclass
class ScanResult:
    open_tasks: int
    new_alerts: int
    closed: int
    notified: int

    def line(self) -> str:
        return (
            f"overdue: {self.open_tasks} open tasks, {self.new_alerts} new alerts, "
            f"{self.closed} closed, {self.notified} notifications"
        )


def _insert():
    return pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert


def _groups(now: datetime) -> dict[tuple, list[int]]:
    """Organisations that share a local date and a policy share one set of statements."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for org in db.session.scalars(select(Organization).where(Organization.kind == "client")):
        policy = org.alert_policy()
        today = local_today(org.timezone, now)
        groups[(today, policy, org.timezone)].append(org.id)
    return groups


def _add(org_ids, kind: str, level: int, due_column, conditions, now: datetime) -> int:
    already = exists().where(
        Alert.task_id == Task.id,
        Alert.kind == kind,
        Alert.level == level,
        Alert.due_date == due_column,
    )
    candidates = select(
        Task.organization_id, Task.id, literal(kind), literal(level), due_column, literal(now)
    ).where(
        Task.organization_id.in_(org_ids),
        Task.status.in_(OPEN),
        Task.waiting_on_agency.is_(False),
        *conditions,
        ~already,
    )
    statement = (
        _insert()(Alert)
        .from_select(
            ["organization_id", "task_id", "kind", "level", "due_date", "created_at"], candidates
        )
        .on_conflict_do_nothing(index_elements=["task_id", "kind", "level", "due_date"])
        .returning(Alert.id)
    )
    # RETURNING, because drivers disagree on rowcount for INSERT ... SELECT.
    return len(db.session.execute(statement).all())


def scan(now: datetime | None = None, batch: int = 2_000) -> ScanResult:
    """Raises every alert that is due and closes those that no longer apply, in one short
    transaction; then announces the new alerts in batches, each its own transaction, so a
    large backlog never holds the database's write lock for long."""
    now = now or utcnow()
    open_tasks, created, closed = raise_alerts(now)
    notified = announce(now, batch)
    result = ScanResult(open_tasks, created, closed, notified)
    log.info(result.line())
    return result


def raise_alerts(now: datetime) -> tuple[int, int, int]:
    """(open tasks, alerts raised, alerts closed), committed."""
    created = 0
    for (today, policy, _zone), org_ids in _groups(now).items():
        cut = overdue.due_cutoffs(today, policy)
        first, last = cut[overdue.DUE_SOON]
        created += _add(
            org_ids,
            "due_soon",
            0,
            Task.due_date,
            [Task.due_date >= first, Task.due_date <= last],
            now,
        )
        for level, cutoff in cut[overdue.OVERDUE].items():
            created += _add(
                org_ids, "overdue", level, Task.due_date, [Task.due_date <= cutoff], now
            )
        created += _add(
            org_ids,
            "triage_stale",
            1,
            Task.triage_since,
            [Task.status == "triage", Task.triage_since <= cut[overdue.TRIAGE_STALE]],
            now,
        )
    closed = close_stale(now)
    open_tasks = db.session.scalar(
        select(func.count()).select_from(Task).where(Task.status.in_(OPEN))
    )
    db.session.commit()
    return open_tasks, created, closed


def announce(now: datetime, batch: int = 2_000) -> int:
    """Fans every unannounced alert out, a batch per transaction; returns notifications."""
    notified = 0
    while True:
        announced = fan_out(now, batch)
        db.session.commit()
        if announced is None:
            return notified
        notified += announced


def close_stale(now: datetime) -> int:
    """Closes alerts whose task is finished, or whose due date has moved since."""
    task = Task.__table__
    gone = (
        select(task.c.id)
        .where(
            task.c.id == Alert.task_id,
            or_(
                task.c.status.in_(("done", "rejected")),
                and_(Alert.kind != "triage_stale", task.c.due_date != Alert.due_date),
                and_(Alert.kind == "triage_stale", task.c.status != "triage"),
            ),
        )
        .exists()
    )
    statement = update(Alert).where(Alert.closed_at.is_(None), gone).values(closed_at=now)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def close_for_task(task: Task, now: datetime | None = None, keep_due: date | None = None) -> None:
    """Called as a task finishes or its due date moves: its open alerts stop at once."""
    statement = update(Alert).where(Alert.task_id == task.id, Alert.closed_at.is_(None))
    if keep_due is not None:
        statement = statement.where(Alert.kind != "triage_stale", Alert.due_date != keep_due)
    db.session.execute(
        statement.values(closed_at=now or utcnow()).execution_options(synchronize_session=False)
    )


def _audience():
    """Who hears of an alert (collab.overdue.recipients), as one SQL condition."""
    director_of_team = or_(
        and_(Task.team == "it", Membership.role == "cio"),
        and_(Task.team == "marketing", Membership.role == "cmo"),
        and_(Task.team.is_(None), Membership.role.in_(("cio", "cmo"))),
    )
    directors = Membership.role.in_(("cio", "cmo"))
    assignee = and_(Membership.user_id == Task.assignee_id, Membership.role != "agency")
    return or_(
        and_(Alert.kind.in_(("due_soon", "overdue")), assignee),
        and_(Alert.kind == "overdue", Alert.level == 1, director_of_team),
        and_(Alert.kind == "overdue", Alert.level >= 2, directors),
        and_(
            Alert.kind == "overdue",
            Alert.level == 3,
            Membership.role == "agency",
            Membership.user_id == Recommendation.filed_by_id,
        ),
        and_(Alert.kind == "triage_stale", directors),
    )


def _text():
    prefix = case(
        (Alert.kind == "due_soon", literal("Due soon: ")),
        (Alert.kind == "triage_stale", literal("Waiting in triage for the directors: ")),
        else_=literal("Overdue, level ") + func.cast(Alert.level, db.String) + literal(": "),
    )
    return prefix + Task.title


def fan_out(now: datetime, batch: int = 2_000) -> int | None:
    """Notifications (and immediate e-mails) for the next batch of unannounced alerts;
    None when there are none left."""
    first_id = db.session.scalar(select(func.min(Alert.id)).where(Alert.notified_at.is_(None)))
    if first_id is None:
        return None
    in_batch = and_(Alert.notified_at.is_(None), Alert.id >= first_id, Alert.id < first_id + batch)
    rows = (
        select(
            Membership.user_id,
            Alert.organization_id,
            literal("alert"),
            _text(),
            Alert.task_id,
            Alert.id,
            literal(now),
        )
        .select_from(Alert)
        .join(Task, Task.id == Alert.task_id)
        .join(Recommendation, Recommendation.id == Task.recommendation_id)
        .join(
            Membership,
            and_(Membership.organization_id == Alert.organization_id, Membership.active.is_(True)),
        )
        .join(User, and_(User.id == Membership.user_id, User.active.is_(True)))
        .where(in_batch, _audience())
        .distinct()
    )
    statement = (
        _insert()(Notification)
        .from_select(
            ["user_id", "organization_id", "kind", "text", "task_id", "alert_id", "created_at"],
            rows,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "alert_id"])
        .returning(Notification.id)
    )
    notified = len(db.session.execute(statement).all())
    email_rows_for_notifications(
        and_(
            Notification.alert_id >= first_id,
            Notification.alert_id < first_id + batch,
            Notification.created_at == now,
        )
    )
    db.session.execute(
        update(Alert)
        .where(in_batch)
        .values(notified_at=now)
        .execution_options(synchronize_session=False)
    )
    return notified


def alerts_of(
    org: Organization,
    task_id: int | None = None,
    kind: str | None = None,
    after: int | None = None,
    limit: int = 50,
) -> list[Alert]:
    query = select(Alert).where(Alert.organization_id == org.id)
    if task_id is not None:
        query = query.where(Alert.task_id == task_id)
    if kind is not None:
        query = query.where(Alert.kind == kind)
    if after is not None:
        query = query.where(Alert.id > after)
    return list(db.session.scalars(query.order_by(Alert.id).limit(limit)))


def open_alert_marks(task_ids) -> dict[int, tuple[str, int]]:
    """The highest open alert per task, for board cards."""
    if not task_ids:
        return {}
    rows = db.session.execute(
        select(Alert.task_id, Alert.kind, func.max(Alert.level))
        .where(Alert.task_id.in_(list(task_ids)), Alert.closed_at.is_(None))
        .group_by(Alert.task_id, Alert.kind)
    )
    marks: dict[int, tuple[str, int]] = {}
    for task_id, kind, level in rows:
        if kind == "overdue" or task_id not in marks:
            marks[task_id] = (kind, level)
    return marks
