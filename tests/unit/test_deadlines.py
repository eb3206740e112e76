"""collab.work.deadlines: when a task is overdue and when it is due soon.

Written out rather than imported: the statuses and windows a user would name."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collab.work.deadlines import due_soon_dates, is_due_soon, is_overdue

TODAY = date(2026, 3, 13)  # a Friday
OPEN = ("triage", "todo", "in_progress", "review")
CLOSED = ("done", "rejected")


@pytest.mark.parametrize(
    ("offset", "overdue"),
    [(-30, True), (-1, True), (0, False), (1, False), (30, False)],
)
def test_overdue_from_the_day_after_the_due_date(offset, overdue):
    assert is_overdue("todo", TODAY + timedelta(days=offset), TODAY) is overdue


def test_overdue_counts_calendar_days_even_over_a_weekend():
    saturday = TODAY + timedelta(days=1)
    assert is_overdue("in_progress", TODAY, saturday)


@pytest.mark.parametrize(
    ("window", "offset", "soon"),
    [
        (2, -1, False),  # already overdue, not due soon
        (2, 0, True),  # today
        (2, 1, True),  # tomorrow
        (2, 2, True),  # the day after
        (2, 3, False),
        (0, 0, True),  # a window of 0 means "due today" only
        (0, 1, False),
        (5, 4, True),
        (5, 5, True),
        (5, 6, False),
    ],
)
def test_due_soon_is_the_organisations_window(window, offset, soon):
    assert is_due_soon("todo", TODAY + timedelta(days=offset), TODAY, window) is soon


@pytest.mark.parametrize("status", CLOSED)
@pytest.mark.parametrize("offset", [-3, 0, 1])
def test_finished_work_is_neither(status, offset):
    due = TODAY + timedelta(days=offset)
    assert not is_overdue(status, due, TODAY)
    assert not is_due_soon(status, due, TODAY, 2)


def test_no_due_date_is_neither():
    assert not is_overdue("todo", None, TODAY)
    assert not is_due_soon("todo", None, TODAY, 2)


def test_due_soon_dates_are_both_included():
    assert due_soon_dates(TODAY, 2) == (TODAY, date(2026, 3, 15))
    assert due_soon_dates(TODAY, 0) == (TODAY, TODAY)


@given(
    status=st.sampled_from(OPEN + CLOSED),
    offset=st.integers(-400, 400),
    window=st.integers(0, 60),
)
def test_never_both_and_the_dates_say_the_same(status, offset, window):
    due = TODAY + timedelta(days=offset)
    soon = is_due_soon(status, due, TODAY, window)
    assert not (soon and is_overdue(status, due, TODAY))
    first, last = due_soon_dates(TODAY, window)
    assert soon == (status in OPEN and first <= due <= last)
