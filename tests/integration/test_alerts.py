"""The overdue scan: who hears what, once; pauses, closing, re-arming; the API; and the
board's cards and the API judging "overdue" and "due soon" as the scan does."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from collab.followup import alerts
from collab.followup.overdue import RECIPIENTS
from collab.followup.policy import set_alert_policy
from collab.models import Alert, Notification, OutboxEmail, Task
from collab.notifications.outbox import relay
from collab.platform.clock import local_today, utcnow
from collab.platform.extensions import db
from collab.work.conversation import add_comment
from collab.work.tasks import update_task
from tests.support.factories import (
    bearer,
    login,
    make_org,
    make_recommendation,
    make_user,
    membership,
)

NOW = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()


def _world():
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "cmo", "it", "marketing", "agency")}
    return org, people


def _task(org, people, title="Fix 1,000+ 404 errors", due=None, assign=True, status="todo"):
    task = make_recommendation(org, people["agency"], title=title).tasks[0]
    changes = {"status": status} if status != "triage" else {}
    if assign:
        changes["assignee"] = people[task.team].email
    if changes:
        update_task(membership(people["cio"], org), task, changes, task.version)
    if due is not None:
        task.due_date = due
    db.session.commit()
    return task


def _recipients(task, kind, level):
    rows = db.session.execute(
        select(Notification.user_id)
        .join(Alert, Alert.id == Notification.alert_id)
        .where(Alert.task_id == task.id, Alert.kind == kind, Alert.level == level)
    )
    return sorted(user_id for (user_id,) in rows)


def test_late_work_escalates_level_by_level_to_the_right_people(app):
    org, p = _world()
    task = _task(org, p, due=TODAY - timedelta(days=8))
    result = alerts.scan(NOW)
    assert result.new_alerts == 3  # levels 1, 2 and 3 reached at 8 days late
    assert _recipients(task, "overdue", 1) == sorted([p["it"].id, p["cio"].id])
    assert _recipients(task, "overdue", 2) == sorted([p["it"].id, p["cio"].id, p["cmo"].id])
    assert _recipients(task, "overdue", 3) == sorted(
        [p["it"].id, p["cio"].id, p["cmo"].id, p["agency"].id]
    )


def test_each_alert_is_raised_once_and_a_rescan_changes_nothing(app):
    org, p = _world()
    _task(org, p, due=TODAY - timedelta(days=1))
    first = alerts.scan(NOW)
    again = alerts.scan(NOW)
    later = alerts.scan(NOW + timedelta(hours=5))
    assert (first.new_alerts, again.new_alerts, later.new_alerts) == (1, 0, 0)
    assert again.notified == 0
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 1


def test_due_soon_today_tomorrow_and_the_day_after(app):
    org, p = _world()
    soon = [
        _task(org, p, title=f"Compress images {d}", due=TODAY + timedelta(days=d))
        for d in (0, 1, 2, 3)
    ]
    alerts.scan(NOW)
    kinds = {
        t.id: {a.kind for a in db.session.scalars(select(Alert).where(Alert.task_id == t.id))}
        for t in soon
    }
    assert [kinds[t.id] for t in soon] == [{"due_soon"}, {"due_soon"}, {"due_soon"}, set()]
    assert _recipients(soon[0], "due_soon", 0) == [p["it"].id]


def test_waiting_on_the_agency_pauses_and_done_closes(app):
    org, p = _world()
    waiting = _task(org, p, title="Fix broken links", due=TODAY - timedelta(days=2))
    update_task(membership(p["cio"], org), waiting, {"waiting_on_agency": True}, waiting.version)
    finished = _task(org, p, title="Fix 404 pages", due=TODAY - timedelta(days=2))
    db.session.commit()
    alerts.scan(NOW)
    assert db.session.scalar(select(func.count()).where(Alert.task_id == waiting.id)) == 0
    assert db.session.scalar(select(func.count()).where(Alert.task_id == finished.id)) == 1
    worker = membership(p["it"], org)
    for status in ("in_progress", "done"):
        update_task(worker, finished, {"status": status}, finished.version)
    db.session.commit()
    open_alerts = select(func.count()).where(
        Alert.task_id == finished.id, Alert.closed_at.is_(None)
    )
    assert db.session.scalar(open_alerts) == 0
    assert alerts.scan(NOW + timedelta(days=1)).new_alerts == 0


def test_moving_the_due_date_re_arms_the_alerts(app):
    org, p = _world()
    task = _task(org, p, due=TODAY - timedelta(days=1))
    alerts.scan(NOW)
    update_task(
        membership(p["cio"], org),
        task,
        {"due_date": (TODAY + timedelta(days=5)).isoformat()},
        task.version,
    )
    db.session.commit()
    assert (
        db.session.scalar(
            select(func.count()).where(Alert.task_id == task.id, Alert.closed_at.is_(None))
        )
        == 0
    )
    # Late again against the new date: a new alert for it.
    result = alerts.scan(NOW + timedelta(days=6))
    assert result.new_alerts == 1
    dates = db.session.scalars(select(Alert.due_date).where(Alert.task_id == task.id)).all()
    assert sorted(dates) == [TODAY - timedelta(days=1), TODAY + timedelta(days=5)]


def test_triage_left_beyond_two_business_days_tells_both_directors(app):
    org, p = _world()
    task = _task(org, p, title="Discuss the audit", assign=False, status="triage")
    task.triage_since = date(2026, 3, 6)  # a Friday; Mon 9, Tue 10, Wed 11 follow
    task.due_date = TODAY + timedelta(days=30)
    db.session.commit()
    assert alerts.scan(datetime(2026, 3, 10, 9, tzinfo=UTC)).new_alerts == 0  # 2 business days
    assert alerts.scan(NOW).new_alerts == 1  # 3 business days
    assert _recipients(task, "triage_stale", 1) == sorted([p["cio"].id, p["cmo"].id])


def test_business_days_skip_weekends_and_holidays(app):
    org, p = _world()
    org.alert_business_days = True
    org.alert_holidays = "2026-03-09"
    db.session.commit()
    task = _task(org, p, due=date(2026, 3, 6))  # due Friday
    # Monday is a holiday: by Tuesday the task is 1 business day late, not 4 days.
    alerts.scan(datetime(2026, 3, 10, 9, tzinfo=UTC))
    levels = db.session.scalars(select(Alert.level).where(Alert.task_id == task.id)).all()
    assert levels == [1]


def test_the_agency_email_copies_both_directors(app):
    org, p = _world()
    _task(org, p, due=TODAY - timedelta(days=8))
    alerts.scan(NOW)
    relay()
    with open(app.config["MAIL_LOG"], encoding="utf-8") as log:
        messages = log.read().split("=" * 72)
    to_agency = [m for m in messages if f"To: {p['agency'].email}" in m and "level 3" in m]
    assert len(to_agency) == 1
    cc = next(line for line in to_agency[0].splitlines() if line.startswith("Cc:"))
    assert p["cio"].email in cc and p["cmo"].email in cc
    assert db.session.scalar(select(func.count()).where(OutboxEmail.sent_at.is_(None))) == 0


def test_digest_people_get_one_email_a_day_instead(app):
    from collab.followup.digest import send_digests

    org, p = _world()
    p["it"].email_mode = "digest"
    db.session.commit()
    _task(org, p, due=TODAY - timedelta(days=1))
    alerts.scan(NOW)
    immediate = db.session.scalars(select(OutboxEmail.to_address)).all()
    assert p["it"].email not in immediate and p["cio"].email in immediate
    assert send_digests(NOW) == 1
    assert send_digests(NOW + timedelta(hours=2)) == 0  # a doubled tick sends nothing twice
    digest = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == p["it"].email))
    assert "Overdue, level 1" in digest.body


def test_alerts_api_lists_and_filters(client, app):
    org, p = _world()
    task = _task(org, p, due=TODAY - timedelta(days=4))
    other = _task(org, p, title="Compress images", due=TODAY + timedelta(days=1))
    alerts.scan(NOW)
    headers = bearer(p["agency"])
    everything = client.get("/api/v1/orgs/acme/alerts", headers=headers).json["items"]
    assert sorted((a["task_id"], a["kind"], a["level"]) for a in everything) == sorted(
        [(task.id, "overdue", 1), (task.id, "overdue", 2), (other.id, "due_soon", 0)]
    )
    only = client.get(
        f"/api/v1/orgs/acme/alerts?task={task.id}&kind=overdue", headers=headers
    ).json["items"]
    assert {a["level"] for a in only} == {1, 2}
    assert set(only[0]) == {"id", "task_id", "kind", "level", "due_date", "created_at", "closed_at"}
    bad = client.get("/api/v1/orgs/acme/alerts?kind=late", headers=headers)
    assert bad.status_code == 422


def test_jobs_run_overdue_prints_what_it_did(runner):
    org, p = _world()
    _task(org, p, due=date.today() - timedelta(days=1))
    result = runner.invoke(args=["jobs", "run", "overdue"])
    assert result.exit_code == 0, result.output
    assert "overdue: 1 open tasks, 1 new alerts, 0 closed" in result.output
    assert "0 new alerts" in runner.invoke(args=["jobs", "run", "overdue"]).output


def test_done_and_rejected_tasks_raise_nothing(app):
    org, p = _world()
    task = _task(org, p, due=TODAY - timedelta(days=3), status="todo")
    director = membership(p["cio"], org)
    update_task(director, task, {"status": "triage"}, task.version)
    update_task(
        director,
        task,
        {"status": "rejected", "resolution": "wont_do", "reason": "out of scope"},
        task.version,
    )
    db.session.commit()
    assert db.session.get(Task, task.id).status == "rejected"
    assert alerts.scan(NOW).new_alerts == 0


def test_a_due_date_moved_into_the_past_is_caught_by_the_next_scan(app):
    org, p = _world()
    task = _task(org, p, due=TODAY + timedelta(days=20))
    assert alerts.scan(NOW).new_alerts == 0
    update_task(
        membership(p["cio"], org),
        task,
        {"due_date": (TODAY - timedelta(days=5)).isoformat()},
        task.version,
    )
    db.session.commit()
    # The date lies before what the last scan covered: the change marked the task instead.
    assert alerts.scan(NOW + timedelta(minutes=5)).new_alerts == 2


def test_days_without_a_scan_are_caught_up(app):
    org, p = _world()
    task = _task(org, p, due=TODAY + timedelta(days=3))
    assert alerts.scan(NOW).new_alerts == 0
    # The scheduler was down for ten days: levels 1, 2 and 3 all came due meanwhile.
    alerts.scan(NOW + timedelta(days=13))
    levels = db.session.scalars(
        select(Alert.level).where(Alert.task_id == task.id, Alert.kind == "overdue")
    ).all()
    assert sorted(levels) == [1, 2, 3]


CARD = re.compile(r'<li class="card ([^"]*)"\s+id="card-(\d+)"')


def _cards(client, url):
    """Each card on the page, as (overdue, due soon) the way its flags show them."""
    page = client.get(url)
    assert page.status_code == 200
    return {
        int(task_id): ("is-overdue" in classes, "is-due-soon" in classes)
        for classes, task_id in CARD.findall(page.text)
    }


@pytest.mark.parametrize(
    ("window", "business_days"), [(0, False), (2, False), (5, False), (2, True), (5, True)]
)
def test_cards_the_api_and_the_scan_judge_deadlines_alike(client, window, business_days):
    org, p = _world()
    now = utcnow()
    today = local_today(org.timezone, now)
    policy = {"due_soon_days": str(window), "level_days": "1,3,7", "triage_days": "2"}
    if business_days:
        # Today a holiday: work due yesterday is not late in business days, only in calendar.
        policy.update(business_days="1", holidays=today.isoformat())
    set_alert_policy(org, policy)
    db.session.commit()
    offsets = range(-3, 8)
    by_offset = {
        offset: _task(org, p, title=f"Compress images {offset}", due=today + timedelta(offset))
        for offset in offsets
    }
    finished = _task(org, p, title="Fix 404 pages", due=today - timedelta(days=1))
    update_task(membership(p["it"], org), finished, {"status": "in_progress"}, finished.version)
    update_task(membership(p["it"], org), finished, {"status": "done"}, finished.version)
    db.session.commit()
    alerts.scan(now)

    login(client, p["cio"].email)
    cards = _cards(client, "/orgs/acme/board?done=all")
    api = {
        item["id"]: (item["overdue"], item["due_soon"])
        for item in client.get("/api/v1/orgs/acme/tasks?limit=200", headers=bearer(p["cio"])).json[
            "items"
        ]
    }
    assert cards == api

    overdue = {by_offset[o].id for o in offsets if o < 0}
    due_soon = {by_offset[o].id for o in offsets if 0 <= o <= window}
    assert {task_id for task_id, (late, _) in api.items() if late} == overdue
    assert {task_id for task_id, (_, soon) in api.items() if soon} == due_soon
    listed = client.get("/api/v1/orgs/acme/tasks?overdue=true", headers=bearer(p["cio"]))
    assert {item["id"] for item in listed.json["items"]} == overdue
    filtered = _cards(client, "/orgs/acme/board?overdue=1&done=all")
    assert set(filtered) == overdue and all(late for late, _ in filtered.values())

    def alerted(kind):
        return set(db.session.scalars(select(Alert.task_id).where(Alert.kind == kind)))

    assert alerted("due_soon") == due_soon
    if business_days:
        assert alerted("overdue") <= overdue
        assert by_offset[-1].id not in alerted("overdue")
    else:
        assert alerted("overdue") == overdue


@pytest.mark.parametrize(
    ("team", "title", "director"),
    [
        ("it", "Fix 404 pages", {"cio"}),
        ("marketing", "Rewrite meta descriptions", {"cmo"}),
        (None, "Hello", {"cio", "cmo"}),  # unrouted: both directors answer for it
    ],
)
def test_every_alert_reaches_the_audiences_of_the_recipient_table(app, team, title, director):
    org, p = _world()
    task = _task(org, p, title=title, assign=False, status="triage")
    assert task.team == team
    if team is not None:
        update_task(membership(p["cio"], org), task, {"assignee": p[team].email}, task.version)
    task.due_date, task.triage_since = TODAY, TODAY - timedelta(days=14)
    db.session.commit()
    alerts.scan(NOW)  # due soon, and stale in triage
    alerts.scan(NOW + timedelta(days=8))  # overdue levels 1 to 3
    audiences = {
        "assignee": {p[team].id} if team else set(),
        "team_director": {p[role].id for role in director},
        "both_directors": {p["cio"].id, p["cmo"].id},
        "agency_filer": {p["agency"].id},
    }
    assert {key: set(_recipients(task, *key)) for key in RECIPIENTS} == {
        key: set().union(*(audiences[name] for name in names)) for key, names in RECIPIENTS.items()
    }


def test_the_agencys_answer_ends_the_wait_and_the_next_scan_catches_up(app):
    org, p = _world()
    # Real time: the marks a change leaves are stamped with the clock, and a scan clears
    # only those made before its own time.
    now = utcnow()
    today = local_today(org.timezone, now)
    task = _task(org, p, title="Fix broken links", due=today + timedelta(days=10))
    update_task(membership(p["cio"], org), task, {"waiting_on_agency": True}, task.version)
    db.session.commit()
    assert alerts.scan(now).new_alerts == 0
    # The due date passes while the team waits; the scan rightly raises nothing.
    assert alerts.scan(now + timedelta(days=12)).new_alerts == 0
    add_comment(membership(p["agency"], org), task, "Here are the URLs you asked for.")
    db.session.commit()
    # Two days late: the first overdue level, although that due date was scanned before.
    assert alerts.scan(now + timedelta(days=12, minutes=5)).new_alerts == 1
