"""Deadlines: when a task is overdue and when it is due soon. One judgement for the board's
cards, the API's ``overdue`` and ``due_soon``, and the follow-up's ``due_soon`` alerts.

Pure: no Flask, no queries, no clock. "Today" is the organisation's local date
(``collab.platform.clock.local_today``).

- Overdue counts calendar days whatever the alert policy (API.md, "Time and alerts"): a task
  due on Friday is overdue on Saturday, even where lateness for alerts counts business days
  and its first overdue alert waits for Monday.
- Due soon is the organisation's window (``Organization.alert_due_soon_days``): due today or
  within that many days after, so the default 2 reads "today, tomorrow or the day after". The
  window starts today, so a task is never both overdue and due soon.
- Only open work is either: a done or rejected task has no deadline left to miss.
"""

from __future__ import annotations

from datetime import date, timedelta

from collab.models.work import OPEN_STATUSES


def due_soon_dates(today: date, window_days: int) -> tuple[date, date]:
    """The first and last due dates that are due soon on ``today``, both included; the
    set-based alert scan uses the same bounds in its WHERE clause."""
    return today, today + timedelta(days=window_days)


def is_overdue(status: str, due_date: date | None, today: date) -> bool:
    return status in OPEN_STATUSES and due_date is not None and due_date < today


def is_due_soon(status: str, due_date: date | None, today: date, window_days: int) -> bool:
    if status not in OPEN_STATUSES or due_date is None:
        return False
    first, last = due_soon_dates(today, window_days)
    return first <= due_date <= last


def is_past_due(due_date: date | None, today: date) -> bool:
    """A due date already behind us when it is set: the task would be overdue from the start.
    Accepted (backfilling history needs it), but the web forms ask first and the task's
    history keeps a warning."""
    return due_date is not None and due_date < today
