"""The overdue scan: set-based, idempotent, safe to run twice at once.

Each organisation's local "today" and policy give date cutoffs (collab.followup.overdue, pure);
tasks past a cutoff get their alert by INSERT ... SELECT ... WHERE NOT EXISTS, with the
(task, kind, level, due date) unique key as the last word when two scans race. New alerts
fan out to notifications and e-mail in the same way: a few statements per scan, whatever
the number of tasks, and a rescan that finds nothing new writes nothing."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, exists, func, literal, literal_column, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from collab.followup import overdue
from collab.followup.policy import policy_of
from collab.models import (
    Alert,
    Membership,
    Notification,
    Organization,
    Recommendation,
    Task,
    User,
)
from collab.models.accounts import DIRECTOR_ROLES, TEAMS
from collab.models.work import CLOSED_STATUSES, OPEN_STATUSES
from collab.notifications.delivery import deliver_notifications
from collab.platform.clock import local_today, utcnow
from collab.platform.extensions import db
from collab.work import board_counts, events

log = logging.getLogger(__name__)
# Spelled as literals, not bound parameters: SQLite only uses the partial index on open
# tasks when the query repeats its predicate to the letter.
IS_OPEN = Task.status.in_([literal_column(f"'{status}'") for status in OPEN_STATUSES])
MARKED = select(Task.__table__.c.id).where(Task.__table__.c.alert_check_at.is_not(None))
CHUNK = 5_000


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
    """Organisations that share a local date, a policy and a last scan share statements."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    # The stored settings and last scan, not what this session loaded before: the scan's own
    # UPDATEs bypass the loaded objects, and a second scan in one session must see them.
    orgs = select(Organization).where(Organization.kind == "client")
    for org in db.session.scalars(orgs.execution_options(populate_existing=True)):
        today = local_today(org.timezone, now)
        last = (
            org.alert_scanned_on if org.alert_scanned_on and org.alert_scanned_on <= today else None
        )
        groups[(today, policy_of(org), last)].append(org.id)
    return groups


def _windows(column, low, high, marked: list[int]) -> list[list]:
    """Where to look for tasks that reached an alert: the dates that came due since the
    last scan's cutoff (an index range), and the tasks a change marked for a check (by id,
    in chunks). Plain statements the planner cannot get wrong, and none when idle."""
    if low is None:
        return [[column <= high]]
    windows = [
        [Task.id.in_(marked[start : start + CHUNK]), column <= high]
        for start in range(0, len(marked), CHUNK)
    ]
    if high > low:
        windows.append([column > low, column <= high])
    return windows


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
        IS_OPEN,
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
    """(open tasks, alerts raised, alerts closed), committed.

    A scan looks at the dates that came due since the organisation's last scan, plus the
    tasks a change marked for a check: a rescan on the same day reads almost nothing."""
    created = 0
    for (today, policy, last), org_ids in _groups(now).items():
        cut = overdue.due_cutoffs(today, policy)
        before = overdue.due_cutoffs(last, policy) if last else None
        marked = list(
            db.session.scalars(
                select(Task.id).where(
                    Task.alert_check_at.is_not(None), Task.organization_id.in_(org_ids)
                )
            )
        )
        first, end = cut[overdue.DUE_SOON]
        low = before[overdue.DUE_SOON][1] if before else None
        for window in _windows(Task.due_date, low, end, marked):
            created += _add(
                org_ids, overdue.DUE_SOON, 0, Task.due_date, [Task.due_date >= first, *window], now
            )
        for level, cutoff in cut[overdue.OVERDUE].items():
            low = before[overdue.OVERDUE][level] if before else None
            for window in _windows(Task.due_date, low, cutoff, marked):
                created += _add(org_ids, overdue.OVERDUE, level, Task.due_date, window, now)
        low = before[overdue.TRIAGE_STALE] if before else None
        for window in _windows(Task.triage_since, low, cut[overdue.TRIAGE_STALE], marked):
            created += _add(
                org_ids,
                overdue.TRIAGE_STALE,
                1,
                Task.triage_since,
                [Task.status == "triage", *window],
                now,
            )
        db.session.execute(
            update(Organization)
            .where(Organization.id.in_(org_ids))
            .values(alert_scanned_on=today)
            .execution_options(synchronize_session=False)
        )
    closed = close_stale(now)
    db.session.execute(
        update(Task)
        .where(Task.alert_check_at.is_not(None), Task.alert_check_at <= now)
        .values(alert_check_at=None)
        .execution_options(synchronize_session=False)
    )
    open_tasks = sum(
        count for (status, _), count in board_counts.all_counts().items() if status in OPEN_STATUSES
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
    """Closes alerts of marked tasks that are finished or re-dated: a safety net for the
    closing that changes do at once (_close_for_change). Driven from the marked tasks."""
    task = Task.__table__
    gone = (
        select(task.c.id)
        .where(
            task.c.id == Alert.task_id,
            or_(
                task.c.status.in_(CLOSED_STATUSES),
                and_(Alert.kind != overdue.TRIAGE_STALE, task.c.due_date != Alert.due_date),
                and_(Alert.kind == overdue.TRIAGE_STALE, task.c.status != "triage"),
            ),
        )
        .exists()
    )
    statement = (
        update(Alert)
        .where(Alert.task_id.in_(MARKED), Alert.closed_at.is_(None), gone)
        .values(closed_at=now)
    )
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


@events.task_changed.connect
def _close_for_change(
    task: Task, *, old_status: str, due_date_changed: bool, now: datetime, **_
) -> None:
    """A task that leaves triage stops its triage alert; one that finishes stops them all;
    a new due date re-arms the alerts of the old one."""
    if old_status == "triage" and task.status != "triage":
        close_for_task(task, now, kinds=(overdue.TRIAGE_STALE,))
    if task.status != old_status and task.status in CLOSED_STATUSES:
        close_for_task(task, now)
    elif due_date_changed:
        close_for_task(task, now, keep_due=task.due_date)


def close_for_task(
    task: Task,
    now: datetime | None = None,
    keep_due: date | None = None,
    kinds: tuple[str, ...] | None = None,
) -> None:
    """Called as a task finishes, leaves triage or is re-dated: its alerts stop at once."""
    statement = update(Alert).where(Alert.task_id == task.id, Alert.closed_at.is_(None))
    if keep_due is not None:
        statement = statement.where(Alert.kind != overdue.TRIAGE_STALE, Alert.due_date != keep_due)
    if kinds is not None:
        statement = statement.where(Alert.kind.in_(kinds))
    db.session.execute(
        statement.values(closed_at=now or utcnow()).execution_options(synchronize_session=False)
    )


# Each audience of the recipient table (collab.followup.overdue.RECIPIENTS) as a condition on
# the member who would hear of an alert.
_AUDIENCES = {
    "assignee": and_(Membership.user_id == Task.assignee_id, Membership.role != "agency"),
    "team_director": or_(
        *(
            and_(
                Task.team.is_(None) if team is None else Task.team == team,
                Membership.role.in_(overdue.team_director(team)),
            )
            for team in (*TEAMS, None)
        )
    ),
    "both_directors": Membership.role.in_(DIRECTOR_ROLES),
    "agency_filer": and_(
        Membership.role == "agency", Membership.user_id == Recommendation.filed_by_id
    ),
}


def _audience():
    """Who hears of an alert, as one SQL condition generated from the recipient table, so
    the two cannot drift apart."""
    return or_(
        *(
            and_(
                Alert.kind == kind,
                Alert.level == level,
                or_(*(_AUDIENCES[audience] for audience in audiences)),
            )
            for (kind, level), audiences in overdue.RECIPIENTS.items()
        )
    )


def _text():
    prefix = case(
        (Alert.kind == overdue.DUE_SOON, literal("Due soon: ")),
        (Alert.kind == overdue.TRIAGE_STALE, literal("Waiting in triage for the directors: ")),
        else_=literal("Overdue, level ") + func.cast(Alert.level, db.String) + literal(": "),
    )
    return prefix + Task.title


def fan_out(now: datetime, batch: int = 2_000) -> int | None:
    """Notifications (with their e-mail and Telegram messages) for the next batch of
    unannounced alerts; None when there are none left."""
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
    deliver_notifications(
        and_(
            Notification.alert_id >= first_id,
            Notification.alert_id < first_id + batch,
            Notification.created_at == now,
        )
    )
    events.alerts_raised.send(None, batch=in_batch)
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
