"""Overdue: which alerts an open task has reached on an organisation's local date.

These are the rules alone: no Flask, no queries, no clock. The caller supplies "today" as a
date in the organisation's own time zone (``collab.platform.clock.local_today``). A scan
over many thousands of tasks cannot call Python once per row, so ``due_cutoffs`` restates the
same rules as date bounds a ``WHERE due_date <= :cutoff`` can use; the tests hold the two in
agreement for every due date around the boundaries.

Decisions a reader would otherwise have to guess:

- ``due_soon`` is the same judgement the board's cards and the API make
  (``collab.work.deadlines``): calendar days, as the users say it, "due today, tomorrow or the
  day after" for the default window. Only lateness switches to business days when the
  organisation asks for them.
- Under business days a task due on a Friday is not late on Saturday or Sunday, because nobody
  is at work to fix it; its first overdue alert comes on Monday, one business day late. A due
  date that falls on a weekend or a holiday works the same way.
- Each level is its own alert: a task eight days late has reached levels 1, 2 and 3, so a scan
  that missed a few nights still records every escalation, and the stored unique key (task,
  kind, level, due date) keeps a second scan from repeating one.
- The due date is part of the key, so moving a task's due date re-arms every alert for the new
  date. For ``triage_stale`` that field holds the date the task entered triage instead: the
  stored column is NOT NULL, and a task sent back to triage later deserves a fresh alert.
- A task waiting on the agency raises nothing, since the delay is not the team's. Once the wait
  ends, lateness is counted from the due date again, waiting time included; moving the due date
  is how a director forgives it.
- ``triage_stale`` counts business days whatever ``business_days`` says, because the API
  defines it that way ("in triage beyond 2 business days").
"""

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from collab.models.accounts import DIRECTOR_OF_TEAM, DIRECTOR_ROLES
from collab.models.work import OPEN_STATUSES
from collab.work.deadlines import due_soon_dates, is_due_soon

DUE_SOON = "due_soon"
OVERDUE = "overdue"
TRIAGE_STALE = "triage_stale"
KINDS = (DUE_SOON, OVERDUE, TRIAGE_STALE)
LEVELS = (1, 2, 3)


# A threshold ten years out is a typo rather than a policy; refusing it also keeps every cutoff
# a short walk from today and far from the edges of the calendar.
MAX_DAYS = 3660

# Who hears of each alert, as audiences: ``assignee``, ``team_director`` (see
# ``team_director``), ``both_directors`` and ``agency_filer`` (the agency contact who filed the
# recommendation). Escalation widens with each level. The scan's notifications are generated
# from this table (collab.followup.alerts).
RECIPIENTS = {
    (DUE_SOON, 0): ("assignee",),
    (OVERDUE, 1): ("assignee", "team_director"),
    (OVERDUE, 2): ("assignee", "both_directors"),
    (OVERDUE, 3): ("assignee", "both_directors", "agency_filer"),
    (TRIAGE_STALE, 1): ("both_directors",),
}

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class AlertPolicy:
    """An organisation's alert settings. Building one validates it (see ``validate_policy``);
    lists given for the collections, as JSON and forms deliver them, are frozen so a policy
    stays hashable and can be cached per organisation."""

    due_soon_days: int = 2
    level_days: tuple[int, int, int] = (1, 3, 7)
    triage_stale_business_days: int = 2
    business_days: bool = False
    weekend: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        for name, kind in (("level_days", tuple), ("weekend", frozenset), ("holidays", frozenset)):
            value = getattr(self, name)
            if isinstance(value, Iterable) and not isinstance(value, str | bytes):
                # Unhashable members are left in place for validate_policy to name.
                with suppress(TypeError):
                    object.__setattr__(self, name, kind(value))
        validate_policy(self)


@dataclass(frozen=True)
class TaskState:
    """What the rules need to know about a task, and nothing else."""

    status: str
    due_date: date | None
    waiting_on_agency: bool = False
    triage_since: date | None = None


@dataclass(frozen=True)
class AlertKey:
    """One alert a task has reached. ``due_date`` is the due date the alert is about; for
    ``triage_stale`` it is the date the task entered triage (see the module notes)."""

    kind: str
    level: int
    due_date: date


def validate_policy(policy: AlertPolicy) -> AlertPolicy:
    """Refuse settings that cannot mean anything, naming every problem at once so a settings
    form can show them together. Returns the policy unchanged."""
    problems: list[str] = []

    def whole(name: str, value: object, low: int) -> bool:
        # bool is an int to Python, but "due_soon_days = True" is a mistake, not a number.
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_DAYS:
            problems.append(
                f"{name} must be a whole number from {low} to {MAX_DAYS}, not {value!r}"
            )
            return False
        return True

    whole("due_soon_days", policy.due_soon_days, 0)
    whole("triage_stale_business_days", policy.triage_stale_business_days, 0)

    levels = policy.level_days
    if not isinstance(levels, tuple) or len(levels) != len(LEVELS):
        problems.append(f"level_days must give {len(LEVELS)} thresholds, not {levels!r}")
    else:
        # Level 1 at 0 days would fire on the due date itself, which is still only due soon.
        fine = [whole(f"level_days[{i}]", v, 1) for i, v in enumerate(levels)]
        if all(fine) and not levels[0] < levels[1] < levels[2]:
            problems.append(f"level_days must be strictly increasing, not {levels!r}")

    if not isinstance(policy.business_days, bool):
        problems.append(f"business_days must be true or false, not {policy.business_days!r}")

    weekend = policy.weekend
    if not isinstance(weekend, frozenset) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in weekend
    ):
        problems.append(f"weekend must be weekday numbers 0 (Monday) to 6, not {weekend!r}")
    elif len(weekend) == 7:
        # With no working day, business-day lateness would never grow and no cutoff exists.
        problems.append("weekend cannot cover the whole week")

    holidays = policy.holidays
    # A datetime is a date to isinstance but never equals one, so it would silently not count.
    if not isinstance(holidays, frozenset) or not all(
        isinstance(h, date) and not isinstance(h, datetime) for h in holidays
    ):
        problems.append("holidays must be dates without a time of day")

    if problems:
        raise ValueError("invalid alert policy: " + "; ".join(problems))
    return policy


# Built after validate_policy exists, since building a policy validates it.
DEFAULT_POLICY = AlertPolicy()


def is_business_day(day: date, policy: AlertPolicy) -> bool:
    return day.weekday() not in policy.weekend and day not in policy.holidays


def business_days_between(start: date, end: date, policy: AlertPolicy) -> int:
    """Business days in (start, end]: the start day is excluded, so a task due on Friday and
    checked on Monday is one business day late. Zero when end is not after start."""
    if end <= start:
        return 0
    # Arithmetic rather than a day-by-day walk, so a date decades away costs no more than
    # tomorrow does.
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * (7 - len(policy.weekend))
    first = start.weekday() + 1
    count += sum(1 for k in range(rest) if (first + k) % 7 not in policy.weekend)
    count -= sum(
        1 for h in policy.holidays if start < h <= end and h.weekday() not in policy.weekend
    )
    return count


def days_late(due: date, today: date, policy: AlertPolicy) -> int:
    """How late a task due on ``due`` is on ``today``: 0 until the day after the due date."""
    if today <= due:
        return 0
    if policy.business_days:
        return business_days_between(due, today, policy)
    return (today - due).days


def alerts_due(
    task: TaskState, today: date, policy: AlertPolicy = DEFAULT_POLICY
) -> list[AlertKey]:
    """Every alert the task has reached on ``today``: due soon first, then the overdue levels
    in order, then triage staleness. The caller records the ones it has not recorded yet."""
    if task.status not in OPEN_STATUSES or task.waiting_on_agency:
        return []
    alerts: list[AlertKey] = []
    due = task.due_date
    if due is not None:
        if is_due_soon(task.status, due, today, policy.due_soon_days):
            alerts.append(AlertKey(DUE_SOON, 0, due))
        late = days_late(due, today, policy)
        alerts.extend(
            AlertKey(OVERDUE, level, due)
            for level, threshold in zip(LEVELS, policy.level_days, strict=True)
            if late >= threshold
        )
    since = task.triage_since
    if (
        task.status == "triage"
        and since is not None
        and business_days_between(since, today, policy) > policy.triage_stale_business_days
    ):
        alerts.append(AlertKey(TRIAGE_STALE, 1, since))
    return alerts


def _latest_start(today: date, days: int, policy: AlertPolicy, business: bool) -> date:
    """The latest date from which ``today`` is at least ``days`` (business) days later."""
    if not business:
        return today - timedelta(days=days)
    # Walking back is exact however weekends and holidays fall; the validated limits keep the
    # walk short, and a week always holds a working day, so it ends.
    day, counted = today, 0
    while counted < days:
        if is_business_day(day, policy):
            counted += 1
        day -= _ONE_DAY
    return day


def due_cutoffs(today: date, policy: AlertPolicy = DEFAULT_POLICY) -> dict:
    """The rules of ``alerts_due`` as date bounds for a set-based scan of open tasks that are
    not waiting on the agency:

    - ``"due_soon"``: ``(first, last)``; due soon when ``first <= due_date <= last``;
    - ``"overdue"``: ``{level: cutoff}``; the level is reached when ``due_date <= cutoff``;
    - ``"triage_stale"``: a task in triage is stale when ``triage_since <= cutoff``.
    """
    return {
        DUE_SOON: due_soon_dates(today, policy.due_soon_days),
        OVERDUE: {
            level: _latest_start(today, threshold, policy, policy.business_days)
            for level, threshold in zip(LEVELS, policy.level_days, strict=True)
        },
        TRIAGE_STALE: _latest_start(today, policy.triage_stale_business_days + 1, policy, True),
    }


def team_director(team: str | None) -> tuple[str, ...]:
    """The director role(s) answering for a team. A task with no team is waiting for both
    directors, just as an unrouted recommendation is."""
    if team is None:
        return DIRECTOR_ROLES
    try:
        return (DIRECTOR_OF_TEAM[team],)
    except KeyError:
        raise ValueError(f"unknown team {team!r}") from None
