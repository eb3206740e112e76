"""collab.followup.overdue: which alerts an open task has reached on a given local date.

Every case uses a fixed "today" (Wednesday 12 March 2025); nothing here reads a clock.
"""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab.followup.overdue import (
    KINDS,
    OPEN_STATUSES,
    RECIPIENTS,
    AlertKey,
    AlertPolicy,
    TaskState,
    alerts_due,
    business_days_between,
    days_late,
    due_cutoffs,
    team_director,
    validate_policy,
)

TODAY = date(2025, 3, 12)  # a Wednesday
FRI, SAT, SUN = date(2025, 3, 7), date(2025, 3, 8), date(2025, 3, 9)
MON, TUE, WED, THU = date(2025, 3, 10), date(2025, 3, 11), date(2025, 3, 12), date(2025, 3, 13)
NEXT_FRI, NEXT_SUN = date(2025, 3, 14), date(2025, 3, 16)
NEXT_MON, NEXT_TUE = date(2025, 3, 17), date(2025, 3, 18)
BUSINESS = AlertPolicy(business_days=True)


def days(n):
    return timedelta(days=n)


def kinds(alerts):
    return [(a.kind, a.level) for a in alerts]


def todo(due, **kw):
    return TaskState("todo", due, **kw)


SOON = [("due_soon", 0)]
L1 = [("overdue", 1)]
L2 = [("overdue", 1), ("overdue", 2)]
L3 = [("overdue", 1), ("overdue", 2), ("overdue", 3)]

CALENDAR_CASES = [
    # (due date relative to today, alerts reached)
    (30, []),
    (3, []),
    (2, SOON),
    (1, SOON),
    (0, SOON),
    (-1, L1),
    (-2, L1),
    (-3, L2),
    (-6, L2),
    (-7, L3),
    (-8, L3),
    (-30, L3),
]


@pytest.mark.parametrize(("offset", "expected"), CALENDAR_CASES)
def test_calendar_days(offset, expected):
    due = TODAY + days(offset)
    alerts = alerts_due(todo(due), TODAY)
    assert kinds(alerts) == expected
    assert all(a.due_date == due for a in alerts)


@pytest.mark.parametrize(("offset", "late"), [(5, 0), (0, 0), (-1, 1), (-7, 7), (-30, 30)])
def test_days_late_counts_calendar_days(offset, late):
    assert days_late(TODAY + days(offset), TODAY, AlertPolicy()) == late


BUSINESS_CASES = [
    # (due, checked on, business days late, alerts reached)
    (FRI, FRI, 0, SOON),
    (FRI, SAT, 0, []),
    (FRI, SUN, 0, []),
    (FRI, MON, 1, L1),
    (FRI, TUE, 2, L1),
    (FRI, WED, 3, L2),
    (FRI, NEXT_MON, 6, L2),
    (FRI, NEXT_TUE, 7, L3),
    # Due on a weekend: late from the next working day.
    (SAT, SUN, 0, []),
    (SAT, MON, 1, L1),
    (SUN, MON, 1, L1),
    # Due soon stays calendar days: Monday is three days after Friday.
    (MON, FRI, 0, []),
    (MON, SAT, 0, SOON),
]


@pytest.mark.parametrize(("due", "today", "late", "expected"), BUSINESS_CASES)
def test_business_days_skip_weekends(due, today, late, expected):
    assert days_late(due, today, BUSINESS) == late
    assert kinds(alerts_due(todo(due), today, BUSINESS)) == expected


def test_friday_to_monday_is_three_calendar_days_but_one_business_day():
    assert days_late(FRI, MON, AlertPolicy()) == 3
    assert days_late(FRI, MON, BUSINESS) == 1
    assert kinds(alerts_due(todo(FRI), MON)) == L2
    assert kinds(alerts_due(todo(FRI), MON, BUSINESS)) == L1


def test_holidays_are_skipped():
    policy = AlertPolicy(business_days=True, holidays=frozenset({MON}))
    assert days_late(FRI, MON, policy) == 0
    assert alerts_due(todo(FRI), MON, policy) == []
    assert days_late(FRI, TUE, policy) == 1
    assert kinds(alerts_due(todo(FRI), THU, policy)) == L2


@pytest.mark.parametrize(
    ("start", "end", "policy", "count"),
    [
        (FRI, MON, AlertPolicy(), 1),
        (FRI, FRI, AlertPolicy(), 0),
        (FRI, SAT, AlertPolicy(), 0),
        (MON, NEXT_FRI, AlertPolicy(), 4),
        (MON, NEXT_SUN, AlertPolicy(), 4),
        (FRI, date(2025, 3, 21), AlertPolicy(), 10),
        (WED, MON, AlertPolicy(), 0),
        (MON, NEXT_FRI, AlertPolicy(holidays=frozenset({WED})), 3),
        # A holiday on a weekend is not a second day off.
        (FRI, MON, AlertPolicy(holidays=frozenset({SAT})), 1),
        # A Friday-Saturday weekend.
        (THU, NEXT_SUN, AlertPolicy(weekend=frozenset({4, 5})), 1),
        (FRI, MON, AlertPolicy(weekend=frozenset()), 3),
    ],
)
def test_business_days_between(start, end, policy, count):
    assert business_days_between(start, end, policy) == count


@pytest.mark.parametrize("status", ["done", "rejected", "cancelled", ""])
@pytest.mark.parametrize("offset", [2, 0, -1, -30])
def test_closed_tasks_reach_nothing(status, offset):
    task = TaskState(status, TODAY + days(offset), triage_since=TODAY - days(30))
    assert alerts_due(task, TODAY) == []


@pytest.mark.parametrize("status", OPEN_STATUSES)
def test_every_open_status_is_watched(status):
    assert kinds(alerts_due(TaskState(status, TODAY - days(1)), TODAY)) == L1


@pytest.mark.parametrize("offset", [2, 0, -1, -30])
def test_waiting_on_the_agency_pauses_everything(offset):
    task = TaskState(
        "triage", TODAY + days(offset), waiting_on_agency=True, triage_since=TODAY - days(30)
    )
    assert alerts_due(task, TODAY) == []
    assert alerts_due(task, TODAY, BUSINESS) == []


def test_no_due_date_means_no_due_soon_or_overdue():
    assert alerts_due(todo(None), TODAY) == []


def test_moving_the_due_date_rearms_alerts_for_the_new_date():
    old = TODAY - days(8)
    before = alerts_due(todo(old), TODAY)
    assert before == [AlertKey("overdue", level, old) for level in (1, 2, 3)]

    later = TODAY + days(1)
    assert alerts_due(todo(later), TODAY) == [AlertKey("due_soon", 0, later)]

    # Moved to a date that is still past: level 1 again, and a key never recorded before.
    recent = TODAY - days(1)
    after = alerts_due(todo(recent), TODAY)
    assert after == [AlertKey("overdue", 1, recent)]
    assert not set(after) & set(before)


TRIAGE_CASES = [
    # (entered triage, checked on, stale)
    (MON, TUE, False),
    (MON, WED, False),  # 2 business days: at the limit, not beyond it
    (MON, THU, True),
    (THU, NEXT_MON, False),  # Fri + Mon
    (THU, NEXT_TUE, True),
    (FRI, SUN, False),
    (FRI, TUE, False),
    (FRI, WED, True),
    (SAT, WED, True),  # Mon, Tue, Wed
    (WED, WED, False),
]


@pytest.mark.parametrize(("since", "today", "stale"), TRIAGE_CASES)
@pytest.mark.parametrize("policy", [AlertPolicy(), BUSINESS], ids=["calendar", "business"])
def test_triage_goes_stale_beyond_two_business_days(since, today, stale, policy):
    task = TaskState("triage", None, triage_since=since)
    expected = [AlertKey("triage_stale", 1, since)] if stale else []
    assert alerts_due(task, today, policy) == expected


def test_triage_staleness_needs_triage_and_its_date():
    long_ago = TODAY - days(30)
    assert alerts_due(TaskState("todo", None, triage_since=long_ago), TODAY) == []
    assert alerts_due(TaskState("triage", None), TODAY) == []


def test_a_task_in_triage_can_also_be_late():
    task = TaskState("triage", TODAY - days(3), triage_since=TODAY - days(7))
    assert kinds(alerts_due(task, TODAY)) == [*L2, ("triage_stale", 1)]


def test_triage_stale_skips_holidays():
    policy = AlertPolicy(holidays=frozenset({TUE}))
    task = TaskState("triage", None, triage_since=MON)
    assert alerts_due(task, THU, policy) == []
    assert kinds(alerts_due(task, NEXT_FRI, policy)) == [("triage_stale", 1)]


def test_custom_policy():
    policy = AlertPolicy(due_soon_days=0, level_days=(2, 5, 10))
    assert alerts_due(todo(TODAY + days(1)), TODAY, policy) == []
    assert kinds(alerts_due(todo(TODAY), TODAY, policy)) == SOON
    assert alerts_due(todo(TODAY - days(1)), TODAY, policy) == []
    assert kinds(alerts_due(todo(TODAY - days(5)), TODAY, policy)) == L2
    assert kinds(alerts_due(todo(TODAY - days(10)), TODAY, policy)) == L3


def test_recipients_widen_with_each_level():
    assert RECIPIENTS == {
        ("due_soon", 0): ("assignee",),
        ("overdue", 1): ("assignee", "team_director"),
        ("overdue", 2): ("assignee", "both_directors"),
        ("overdue", 3): ("assignee", "both_directors", "agency_filer"),
        ("triage_stale", 1): ("both_directors",),
    }


@pytest.mark.parametrize(
    ("team", "directors"), [("it", ("cio",)), ("marketing", ("cmo",)), (None, ("cio", "cmo"))]
)
def test_team_director(team, directors):
    assert team_director(team) == directors


def test_team_director_of_an_unknown_team():
    with pytest.raises(ValueError, match="unknown team 'sales'"):
        team_director("sales")


def test_due_cutoffs_with_the_defaults():
    assert due_cutoffs(TODAY, AlertPolicy()) == {
        "due_soon": (TODAY, NEXT_FRI),
        "overdue": {1: date(2025, 3, 11), 2: date(2025, 3, 9), 3: date(2025, 3, 5)},
        "triage_stale": SUN,  # Mon, Tue, Wed: three business days
    }


def test_due_cutoffs_with_business_days_walk_back_over_the_weekend():
    cutoffs = due_cutoffs(MON, BUSINESS)
    # Due Sunday, Saturday or Friday: all one business day late on Monday.
    assert cutoffs["overdue"][1] == SUN
    # Mon, Fri, Thu: due Wednesday or earlier.
    assert cutoffs["overdue"][2] == date(2025, 3, 5)
    # Mon + five days of the week before + Fri of the week before that.
    assert cutoffs["overdue"][3] == date(2025, 2, 27)


def test_lists_from_json_are_frozen():
    policy = AlertPolicy(level_days=[1, 3, 7], weekend=[4, 5], holidays=[MON])
    assert policy == AlertPolicy(weekend=frozenset({4, 5}), holidays=frozenset({MON}))
    assert hash(policy)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"due_soon_days": -1}, "due_soon_days must be a whole number from 0"),
        ({"due_soon_days": True}, "due_soon_days must be a whole number"),
        ({"due_soon_days": 2.5}, "due_soon_days must be a whole number"),
        ({"triage_stale_business_days": -2}, "triage_stale_business_days must be"),
        ({"level_days": (3, 3, 7)}, "strictly increasing"),
        ({"level_days": (7, 3, 1)}, "strictly increasing"),
        ({"level_days": (0, 3, 7)}, r"level_days\[0\] must be a whole number from 1"),
        ({"level_days": (1, 3)}, "must give 3 thresholds"),
        ({"level_days": (1, 3, 7, 14)}, "must give 3 thresholds"),
        ({"level_days": "137"}, "must give 3 thresholds"),
        ({"level_days": (1, 3, 100_000)}, "from 1 to 3660"),
        ({"business_days": "yes"}, "business_days must be true or false"),
        ({"weekend": frozenset(range(7))}, "cannot cover the whole week"),
        ({"weekend": frozenset({7})}, "weekday numbers"),
        ({"weekend": [[5]]}, "weekday numbers"),
        ({"holidays": frozenset({datetime(2025, 1, 1)})}, "without a time of day"),
        ({"holidays": ["2025-01-01"]}, "without a time of day"),
    ],
)
def test_nonsense_policies_are_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        AlertPolicy(**fields)


def test_every_problem_is_named_at_once():
    with pytest.raises(ValueError) as excinfo:
        AlertPolicy(due_soon_days=-1, level_days=(3, 2, 1), weekend=frozenset(range(7)))
    text = str(excinfo.value)
    assert "due_soon_days" in text
    assert "strictly increasing" in text
    assert "whole week" in text


def test_validate_policy_returns_a_sound_policy():
    assert validate_policy(BUSINESS) is BUSINESS


# Properties. Policies are drawn valid; holidays are drawn close to "today" so they matter.

SANE_DAYS = st.dates(date(1990, 1, 1), date(2100, 12, 31))


@st.composite
def policies(draw, around=None):
    levels = sorted(draw(st.sets(st.integers(1, 40), min_size=3, max_size=3)))
    if around is None:
        holidays = draw(st.frozensets(st.dates(), max_size=10))
    else:
        offsets = draw(st.frozensets(st.integers(-330, 20), max_size=25))
        holidays = frozenset(around + days(o) for o in offsets)
    return AlertPolicy(
        due_soon_days=draw(st.integers(0, 10)),
        level_days=tuple(levels),
        triage_stale_business_days=draw(st.integers(0, 10)),
        business_days=draw(st.booleans()),
        weekend=draw(st.frozensets(st.integers(0, 6), max_size=6)),
        holidays=holidays,
    )


@st.composite
def today_and_policy(draw):
    today = draw(SANE_DAYS)
    return today, draw(policies(around=today))


tasks = st.builds(
    TaskState,
    status=st.sampled_from([*OPEN_STATUSES, "done", "rejected"]) | st.text(max_size=12),
    due_date=st.none() | st.dates(),
    waiting_on_agency=st.booleans(),
    triage_since=st.none() | st.dates(),
)


@given(task=tasks, today=st.dates(), policy=policies())
def test_alerts_due_never_raises_and_is_well_formed(task, today, policy):
    alerts = alerts_due(task, today, policy)
    for alert in alerts:
        assert alert.kind in KINDS
        assert RECIPIENTS[(alert.kind, alert.level)]
        assert alert.due_date in (task.due_date, task.triage_since)
    assert len(set(alerts)) == len(alerts)


@given(task=tasks, today=st.dates(), policy=policies())
def test_levels_are_a_prefix_and_due_soon_excludes_overdue(task, today, policy):
    alerts = alerts_due(task, today, policy)
    levels = [a.level for a in alerts if a.kind == "overdue"]
    assert levels == list(range(1, len(levels) + 1))
    assert not (levels and any(a.kind == "due_soon" for a in alerts))


@given(data=today_and_policy(), later=st.integers(0, 60), due_offset=st.integers(-60, 20))
def test_reached_levels_never_drop_as_days_pass(data, later, due_offset):
    today, policy = data
    task = todo(today + days(due_offset))
    now = {a for a in alerts_due(task, today, policy) if a.kind == "overdue"}
    then = {a for a in alerts_due(task, today + days(later), policy) if a.kind == "overdue"}
    assert now <= then


@given(start=SANE_DAYS, span=st.integers(-10, 800), policy=policies())
def test_business_days_between_matches_counting_each_day(start, span, policy):
    end = start + days(span)
    count = sum(
        1
        for k in range(1, span + 1)
        if (start + days(k)).weekday() not in policy.weekend
        and start + days(k) not in policy.holidays
    )
    assert business_days_between(start, end, policy) == count


@settings(max_examples=150, deadline=None)
@given(data=today_and_policy())
def test_due_cutoffs_agree_with_alerts_due(data):
    today, policy = data
    cutoffs = due_cutoffs(today, policy)
    first_soon, last_soon = cutoffs["due_soon"]
    # From well before the level 3 cutoff to well after the last due-soon day, every date.
    due = cutoffs["overdue"][3] - days(10)
    while due <= last_soon + days(5):
        reached = kinds(alerts_due(todo(due), today, policy))
        expected = [("due_soon", 0)] if first_soon <= due <= last_soon else []
        expected += [("overdue", lv) for lv, cutoff in cutoffs["overdue"].items() if due <= cutoff]
        assert reached == expected, due
        due += days(1)

    since = cutoffs["triage_stale"] - days(10)
    while since <= today + days(3):
        task = TaskState("triage", None, triage_since=since)
        stale = bool(alerts_due(task, today, policy))
        assert stale == (since <= cutoffs["triage_stale"]), since
        since += days(1)
