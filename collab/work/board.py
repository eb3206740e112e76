"""The shared board: columns by status, lanes by team, first cards of each, in few statements.

Without filters, counts come from board_counts and the cards of every (column, lane) from
one UNION ALL of index-ordered LIMIT queries: the cost stays flat as the history grows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, or_, select, union_all

from collab.models import PRIORITIES, Organization, Task, User
from collab.models.accounts import TEAM_LABELS, UNROUTED
from collab.models.work import OPEN_STATUSES, STATUS_LABELS
from collab.platform.extensions import db
from collab.platform.search import folded, like_pattern
from collab.work import board_counts, tasks
from collab.work.deadlines import is_due_soon, is_overdue

# The board's columns and lanes, named with the one vocabulary of statuses and teams.
COLUMNS = tuple((status, STATUS_LABELS[status]) for status in (*OPEN_STATUSES, "done"))
LANES = (*TEAM_LABELS.items(), (None, UNROUTED))
PAGE = 50  # cards a column shows before "show more", shared between its lanes
MOST_SHOWN = 10 * PAGE  # a lane a live board re-fetches keeps this many of its cards at most
DONE_DAYS = 30


@dataclass(frozen=True)
class Filters:
    team: str | None = None  # "it", "marketing", "none"
    assignee: str | None = None  # e-mail, or "none"
    priority: str | None = None
    category: str | None = None
    overdue: bool = False
    q: str = ""
    all_done: bool = False  # Done shows the last 30 days unless asked

    @property
    def narrowing(self) -> bool:
        return bool(
            self.assignee or self.priority or self.category or self.overdue or self.q.strip()
        )

    def lanes(self):
        if self.team in ("it", "marketing"):
            return [lane for lane in LANES if lane[0] == self.team]
        if self.team == "none":
            return [lane for lane in LANES if lane[0] is None]
        return list(LANES)

    def as_args(self) -> dict[str, str]:
        args = {
            "team": self.team,
            "assignee": self.assignee,
            "priority": self.priority,
            "category": self.category,
            "overdue": "1" if self.overdue else None,
            "q": self.q or None,
            "done": "all" if self.all_done else None,
        }
        return {k: v for k, v in args.items() if v}


def filters_from(args) -> Filters:
    team = args.get("team") or None
    priority = args.get("priority") or None
    return Filters(
        team=team if team in ("it", "marketing", "none") else None,
        assignee=(args.get("assignee") or "").strip().lower() or None,
        priority=priority if priority in PRIORITIES else None,
        category=args.get("category") or None,
        overdue=args.get("overdue") in ("1", "true", "on"),
        q=(args.get("q") or "").strip()[:200],
        all_done=args.get("done") == "all",
    )


@dataclass
class Card:
    id: int
    title: str
    status: str
    team: str | None
    priority: str
    category: str
    due_date: date | None
    version: int
    waiting_on_agency: bool
    assignee_name: str | None
    assignee_email: str | None
    overdue: bool = False
    due_soon: bool = False
    badge: str | None = None  # the measured impact of finished work, e.g. "leads +12%"
    badge_verdict: str | None = None  # its verdict, which gives the badge its colour


@dataclass
class Lane:
    status: str
    team: str | None
    count: int = 0
    cards: list[Card] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.count > len(self.cards)


@dataclass
class Board:
    columns: list[tuple[str, str]]
    lanes: list[tuple[str | None, str]]
    cells: dict[tuple[str, str | None], Lane]
    today: date

    def cell(self, status: str, team: str | None) -> Lane:
        return self.cells[(status, team)]

    def column_count(self, status: str) -> int:
        return sum(self.cells[(status, team)].count for team, _ in self.lanes)


def _conditions(org: Organization, filters: Filters, today: date) -> list:
    conditions = [Task.organization_id == org.id]
    if filters.assignee == "none":
        conditions.append(Task.assignee_id.is_(None))
    elif filters.assignee:
        conditions.append(
            Task.assignee_id
            == select(User.id).where(User.email == filters.assignee).scalar_subquery()
        )
    if filters.priority:
        conditions.append(Task.priority == filters.priority)
    if filters.category:
        conditions.append(Task.category == filters.category)
    if filters.overdue:
        conditions.append(tasks.overdue_on(today))
    if filters.q:
        # Case-blind in every alphabet ("Мета" finds "мета"), on SQLite and PostgreSQL.
        conditions.append(folded(Task.title).like(like_pattern(filters.q), escape="\\"))
    return conditions


def _done_since(org: Organization, today: date) -> datetime:
    start = datetime.combine(today - timedelta(days=DONE_DAYS), time.min, ZoneInfo(org.timezone))
    return start


def _lane_select(org, filters, today, status, team, offset=0, limit=PAGE):
    conditions = _conditions(org, filters, today)
    conditions.append(Task.status == status)
    conditions.append(Task.team.is_(None) if team is None else Task.team == team)
    if status == "done" and not filters.all_done:
        conditions.append(Task.completed_at >= _done_since(org, today))
    order = (
        (Task.completed_at.desc(), Task.id.desc())
        if status == "done"
        else (Task.priority_rank, Task.due_date, Task.id)
    )
    return (
        select(
            *(getattr(Task, name) for name in _TASK_FIELDS),
            User.name.label("assignee_name"),
            User.email.label("assignee_email"),
            literal(f"{status}:{team or ''}").label("cell"),
        )
        .outerjoin(User, User.id == Task.assignee_id)
        .where(*conditions)
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    )


_TASK_FIELDS = (
    "id", "title", "status", "team", "priority", "category", "due_date", "version",
    "waiting_on_agency",
)  # fmt: skip


def _card(row, today: date, due_soon_days: int) -> Card:
    return Card(
        **{name: getattr(row, name) for name in _TASK_FIELDS},
        assignee_name=row.assignee_name or row.assignee_email,
        assignee_email=row.assignee_email,
        overdue=is_overdue(row.status, row.due_date, today),
        due_soon=is_due_soon(row.status, row.due_date, today, due_soon_days),
    )


def load_board(
    org: Organization,
    filters: Filters,
    today: date,
    only: set | None = None,
    shown: dict | None = None,
) -> Board:
    """Every count, and the first cards of each lane (of the lanes ``only`` names: those a
    live board re-fetches after a change). ``shown`` says how many cards a lane shows now
    (after "show more"), so a re-fetched lane keeps them: at most MOST_SHOWN."""
    lanes = filters.lanes()
    cells = {(status, team): Lane(status, team) for status, _ in COLUMNS for team, _ in lanes}
    limits = lane_limits(len(lanes))
    shown = shown or {}
    selects = [
        _lane_select(
            org,
            filters,
            today,
            status,
            team,
            limit=max(limit, min(shown.get((status, team), 0), MOST_SHOWN)),
        ).subquery()
        for status, _ in COLUMNS
        for (team, _), limit in zip(lanes, limits, strict=True)
        if only is None or (status, team) in only
    ]
    rows = db.session.execute(union_all(*[select(s) for s in selects])).all() if selects else []
    for row in rows:
        status, _, team = row.cell.partition(":")
        cells[(status, team or None)].cards.append(_card(row, today, org.alert_due_soon_days))
    _fill_counts(org, filters, today, cells)
    return Board(columns=list(COLUMNS), lanes=lanes, cells=cells, today=today)


def count_board(org: Organization, filters: Filters, today: date) -> Board:
    """The board's numbers without its cards: every (column, lane) count these filters show.
    A move answers them, so a board's counts follow its cards without a reload."""
    lanes = filters.lanes()
    cells = {(status, team): Lane(status, team) for status, _ in COLUMNS for team, _ in lanes}
    _fill_counts(org, filters, today, cells)
    return Board(columns=list(COLUMNS), lanes=lanes, cells=cells, today=today)


def lane_limits(lanes: int) -> list[int]:
    """A column's first PAGE cards, split between its lanes: 17, 17 and 16 for three."""
    return [PAGE // lanes + (1 if i < PAGE % lanes else 0) for i in range(lanes)]


def _fill_counts(org, filters, today, cells) -> None:
    wanted = {key for key in cells}
    if not filters.narrowing:
        stored = board_counts.counts(org.id)
        for key in wanted:
            if key[0] != "done" or filters.all_done:
                cells[key].count = stored.get(key, 0)
        if not filters.all_done:
            done = db.session.execute(
                select(Task.team, func.count())
                .where(
                    Task.organization_id == org.id,
                    Task.status == "done",
                    Task.completed_at >= _done_since(org, today),
                )
                .group_by(Task.team)
            )
            for team, count in done:
                if ("done", team) in cells:
                    cells[("done", team)].count = count
        return
    conditions = _conditions(org, filters, today)
    done_cut = _done_since(org, today)
    if not filters.all_done:
        conditions.append(or_(Task.status != "done", Task.completed_at >= done_cut))
    rows = db.session.execute(
        select(Task.status, Task.team, func.count())
        .where(*conditions)
        .group_by(Task.status, Task.team)
    )
    for status, team, count in rows:
        if (status, team) in cells:
            cells[(status, team)].count = count


def more_cards(org, filters, today, status: str, team: str | None, offset: int) -> list[Card]:
    rows = db.session.execute(_lane_select(org, filters, today, status, team, offset=offset))
    return [_card(row, today, org.alert_due_soon_days) for row in rows]


def card_for(task: Task, today: date) -> Card:
    """The same card the board shows, built from a loaded task (after a move)."""
    row = SimpleNamespace(
        **{name: getattr(task, name) for name in _TASK_FIELDS},
        assignee_name=task.assignee.name if task.assignee else None,
        assignee_email=task.assignee.email if task.assignee else None,
    )
    return _card(row, today, task.recommendation.organization.alert_due_soon_days)
