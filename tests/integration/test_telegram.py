"""Telegram through a local stand-in for the Bot API (a real HTTP server on 127.0.0.1):
linking with a one-time code, the person's choices, each message sent once, Telegram's 429
and outages ridden out, unlinking, and nothing across organisations."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import func, select

from collab.followup.alerts import scan
from collab.integrations import telegram_relay
from collab.models.telegram import TelegramLink, TelegramMessage
from collab.notifications import telegram
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.work.conversation import add_comment
from collab.work.tasks import update_task
from tests.support.factories import (
    bearer,
    form_post,
    login,
    make_org,
    make_recommendation,
    make_user,
    membership,
)
from tests.support.servers import free_port
from tests.support.telegram_api import BotApi
from tests.support.workers import start_burst_workers, wait_all

TOKEN = "123456:test-token"  # noqa: S105
SECRET = "webhook-secret"  # noqa: S105
_updates = itertools.count(1)


@pytest.fixture
def bot_api():
    server = BotApi().start()
    yield server
    server.stop()


@pytest.fixture
def acme(app, bot_api):
    app.config.update(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=bot_api.url, TELEGRAM_WEBHOOK_SECRET=SECRET
    )
    org = make_org("acme")
    people = {role: make_user(org, role) for role in ("cio", "cmo", "it", "agency")}
    return org, people


def an_update(chat_id: int, text: str, update_id: int | None = None, language="en") -> dict:
    return {
        "update_id": update_id or next(_updates),
        "message": {
            "message_id": 1,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "A", "language_code": language},
            "text": text,
        },
    }


def send_update(client, chat_id: int, text: str, secret: str | None = SECRET, update_id=None):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    update = an_update(chat_id, text, update_id)
    return client.post("/telegram/updates", json=update, headers=headers)


def code_from_profile(app, user) -> str:
    client = app.test_client()
    login(client, user.email)
    page = form_post(client, "/profile/", "/profile/telegram/code", {})
    assert page.status_code == 200
    return re.search(r"/start ([A-Z0-9]{10})", page.text).group(1)


def link_chat(app, user, chat_id: int) -> None:
    code = code_from_profile(app, user)
    assert send_update(app.test_client(), chat_id, f"/start {code}").json == {"ok": True}
    telegram_relay.relay()


def assign(org, director, assignee, title="Fix the 404s"):
    task = make_recommendation(org, director, title=title).tasks[0]
    update_task(membership(director, org), task, {"status": "todo", "assignee": assignee.email}, 1)
    db.session.commit()
    return task


def test_the_profiles_code_links_the_chat_once(app, acme, bot_api):
    org, people = acme
    code = code_from_profile(app, people["it"])
    client = app.test_client()
    assert send_update(client, 501, f"/start {code.lower()}").status_code == 200
    assert telegram_relay.relay()["sent"] == 1
    assert bot_api.sent(501) == [
        f"Linked to collab as {people['it'].display_name}. Your notices come here; choose "
        "which on your profile. Send /stop to end them."
    ]
    assert bot_api.calls[0].token == TOKEN
    # Used once: the same code from another chat links nothing.
    send_update(client, 777, f"/start {code}")
    telegram_relay.relay()
    assert bot_api.sent(777)[0].startswith("That code is not right, so nothing was linked.")
    assert db.session.scalars(select(TelegramLink.chat_id)).all() == [501]
    viewer = app.test_client()
    login(viewer, people["it"].email)
    assert "Linked to a Telegram chat since" in viewer.get("/profile/").text
    assert code not in viewer.get("/profile/").text  # shown once, stored hashed


def test_a_wrong_or_expired_code_is_told_so_in_the_chat_and_links_nothing(app, acme, bot_api):
    org, people = acme
    client = app.test_client()
    code_from_profile(app, people["it"])  # a real code exists; the chat sends another
    send_update(client, 601, "/start WRONGCODE2")
    old = telegram.new_code(people["cmo"], now=utcnow() - dt.timedelta(minutes=16))
    db.session.commit()
    send_update(client, 602, f"/start {old}")
    send_update(client, 603, "hello")
    telegram_relay.relay()
    assert bot_api.sent(601)[0].startswith("That code is not right, so nothing was linked.")
    assert bot_api.sent(602) == [
        "That code has expired (codes last 15 minutes), so nothing was linked. Make a new "
        "one on your collab profile."
    ]
    assert bot_api.sent(603)[0].startswith("To link this chat, make a code")
    assert db.session.scalar(select(func.count()).select_from(TelegramLink)) == 0


def test_an_update_telegram_sends_again_is_handled_once(app, acme, bot_api):
    org, people = acme
    code = code_from_profile(app, people["it"])
    client = app.test_client()
    for _ in range(2):  # Telegram's retry after our answer was lost
        assert send_update(client, 501, f"/start {code}", update_id=9001).status_code == 200
    telegram_relay.relay()
    assert len(bot_api.sent(501)) == 1 and bot_api.sent(501)[0].startswith("Linked")


def test_without_a_webhook_a_poll_fetches_the_updates(app, acme, bot_api):
    from collab.integrations import telegram_updates

    org, people = acme
    app.config["TELEGRAM_WEBHOOK_SECRET"] = None
    code = code_from_profile(app, people["it"])
    bot_api.updates += [an_update(501, f"/start {code}", 70), an_update(502, "/stop", 71)]
    assert telegram_updates.poll() == {"handled": 2, "repeats": 0}
    assert telegram_updates.poll() == {"handled": 0, "repeats": 0}
    polls = [c.payload for c in bot_api.calls if c.method == "getUpdates"]
    assert "offset" not in polls[0] and polls[1]["offset"] == 72  # confirms 70 and 71
    telegram_relay.relay()
    assert bot_api.sent(501)[0].startswith("Linked") and len(bot_api.sent(501)) == 1
    assert db.session.scalars(select(TelegramLink.chat_id)).all() == [501]
    # With a webhook set, Telegram would refuse the poll: none is made.
    app.config["TELEGRAM_WEBHOOK_SECRET"] = SECRET
    telegram_updates.poll()
    assert len([c for c in bot_api.calls if c.method == "getUpdates"]) == 2


def test_answers_speak_the_persons_language_else_their_telegrams(app, acme, bot_api):
    from collab.accounts.people import set_language

    org, people = acme
    set_language(people["it"], "ru")
    db.session.commit()
    code = code_from_profile(app, people["it"])
    client = app.test_client()
    for update in (
        an_update(501, f"/start {code}", language="en"),  # the profile's choice wins
        an_update(601, "/start WRONGCODE2", language="ru-RU"),
        an_update(602, "/start WRONGCODE2", language="de"),  # not spoken here: English
    ):
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        assert client.post("/telegram/updates", json=update, headers=headers).status_code == 200
    telegram_relay.relay()
    assert bot_api.sent(501)[0].startswith("Чат связан с collab: вы — ")
    assert bot_api.sent(601)[0].startswith("Код неверный, поэтому ничего не связано.")
    assert bot_api.sent(602)[0].startswith("That code is not right")


def test_the_updates_endpoint_wants_telegrams_secret(app, acme, bot_api):
    client = app.test_client()
    assert send_update(client, 1, "/start X", secret=None).status_code == 403
    assert send_update(client, 1, "/start X", secret="guess").status_code == 403
    answer = client.post(
        "/telegram/updates", data="not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert answer.status_code == 400 and answer.json["ok"] is False
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    for odd in (
        [],
        {"update_id": "x", "message": {"chat": {"id": "1"}, "text": 5}},
        {"update_id": 2**70, "message": {"chat": {"id": 2**70}, "text": "/stop"}},
        {"update_id": 5, "message": {"chat": {"id": True}, "text": "/stop"}},
        {"update_id": 6, "edited_message": {"chat": {"id": 1}, "text": "/stop"}},
        {"update_id": 7, "message": {"chat": {"id": 1}, "from": {"language_code": 7}}},
    ):
        answer = client.post("/telegram/updates", json=odd, headers=headers)
        assert answer.status_code == (400 if odd == [] else 200), odd
    assert db.session.scalar(select(func.count()).select_from(TelegramMessage)) == 0
    app.config["TELEGRAM_BOT_TOKEN"] = None
    assert send_update(client, 1, "/start X").status_code == 404


def test_an_assignment_and_alerts_reach_the_chat_once_each(app, acme, bot_api):
    org, people = acme
    link_chat(app, people["it"], 501)
    task = assign(org, people["cio"], people["it"])
    task.due_date = utcnow().date() - dt.timedelta(days=4)  # overdue levels 1 and 2
    db.session.commit()
    scan()
    scan()  # a doubled tick raises nothing twice
    assert telegram_relay.relay()["sent"] == 3
    assert telegram_relay.relay()["sent"] == 0
    url = f"{app.config['BASE_URL']}/orgs/acme/tasks/{task.id}"
    name = people["cio"].display_name
    assert bot_api.sent(501)[1:] == [
        f"{name} assigned “Fix the 404s” to you.\n{url}",
        f"Overdue, level 1: Fix the 404s\n{url}",
        f"Overdue, level 2: Fix the 404s\n{url}",
    ]
    assert bot_api.calls[-1].payload["link_preview_options"] == {"is_disabled": True}


def test_real_workers_racing_send_each_message_once(app, acme, bot_api, redis_server):
    org, people = acme
    link_chat(app, people["it"], 501)
    for n in range(5):
        assign(org, people["cio"], people["it"], title=f"Fix the 404s {n}")
    queue = Queue("default", connection=Redis.from_url(redis_server.url))
    for _ in range(4):
        queue.enqueue("workers.integration_jobs.deliver_outgoing")
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": bot_api.url,
        "BASE_URL": app.config["BASE_URL"],
    }
    wait_all(start_burst_workers(app, redis_server.url, 2, ("default",), extra_env=env))
    texts = bot_api.sent(501)[1:]
    assert sorted(texts) == sorted(set(texts)) and len(texts) == 5
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(TelegramMessage.sent_at.is_(None))) == 0


def test_the_persons_choices_decide_what_goes_there(app, acme, bot_api):
    org, people = acme
    link_chat(app, people["it"], 501)
    client = app.test_client()
    login(client, people["it"].email)
    saved = form_post(client, "/profile/", "/profile/telegram/preferences", {"alert_levels": ["2"]})
    assert saved.status_code == 303
    chosen = db.session.scalar(select(TelegramLink))
    db.session.refresh(chosen)
    assert (chosen.assignments, chosen.alert_levels, chosen.digests) == (False, "2", False)
    task = assign(org, people["cio"], people["it"])
    task.due_date = utcnow().date() - dt.timedelta(days=4)
    db.session.commit()
    scan()
    telegram_relay.relay()
    assert [t.split("\n")[0] for t in bot_api.sent(501)[1:]] == ["Overdue, level 2: Fix the 404s"]


def test_a_429_waits_as_telegram_says_then_sends_once(app, acme, bot_api):
    org, people = acme
    link_chat(app, people["it"], 501)
    bot_api.failures.append((429, 40))
    assign(org, people["cio"], people["it"])
    now = utcnow()
    assert telegram_relay.relay(now)["failed"] == 1
    assert telegram_relay.relay(now + dt.timedelta(seconds=39))["sent"] == 0
    assert telegram_relay.relay(now + dt.timedelta(seconds=41))["sent"] == 1
    assert telegram_relay.relay(now + dt.timedelta(hours=1))["sent"] == 0
    assert len(bot_api.sent(501)) == 3  # linked, the refused try, the one that went
    assert bot_api.sent(501)[1] == bot_api.sent(501)[2]


def test_messages_wait_while_telegram_is_away_and_failures_reach_the_operators(app, acme, bot_api):
    org, people = acme
    link_chat(app, people["it"], 501)
    app.config["TELEGRAM_API_BASE"] = f"http://127.0.0.1:{free_port()}"  # nobody answers
    assign(org, people["cio"], people["it"], title="Fix the 404s first")
    now = utcnow()
    assert telegram_relay.relay(now)["failed"] == 1
    app.config["TELEGRAM_API_BASE"] = bot_api.url  # back
    assert telegram_relay.relay(now + dt.timedelta(seconds=31))["sent"] == 1
    assert bot_api.sent(501)[-1].startswith(f"{people['cio'].display_name} assigned “Fix the")
    # Away for a day: the message gives up, and operators see it with a retry.
    app.config["TELEGRAM_API_BASE"] = f"http://127.0.0.1:{free_port()}"
    assign(org, people["cio"], people["it"], title="Fix the 404s second")
    for hours in (0, 1, 3, 7, 13, 19, 25):
        telegram_relay.relay(now + dt.timedelta(hours=hours))
    failed = db.session.scalars(
        select(TelegramMessage).where(TelegramMessage.failed_at.is_not(None))
    ).all()
    assert len(failed) == 1 and "ConnectionRefusedError" in failed[0].last_error
    operator = make_user(admin=True)
    client = app.test_client()
    login(client, operator.email)
    page = client.get("/admin/").text
    assert "Failed Telegram messages" in page and "ConnectionRefusedError" in page
    assert TOKEN not in page
    app.config["TELEGRAM_API_BASE"] = bot_api.url
    retried = form_post(client, "/admin/", f"/admin/telegram/{failed[0].id}/retry", {})
    assert retried.status_code == 303
    assert telegram_relay.relay()["sent"] == 1
    assert "second" in bot_api.sent(501)[-1]
    queues = client.get("/api/v1/admin/queues", headers=bearer(operator)).json
    assert queues["telegram"] == {"pending": 0, "failed": 0}


def test_a_blocked_bot_gives_up_at_once(app, acme, bot_api):
    org, people = acme
    link_chat(app, people["it"], 501)
    bot_api.failures.append((403, None))
    assign(org, people["cio"], people["it"])
    assert telegram_relay.relay() == {"sent": 0, "failed": 0, "gave_up": 1}
    row = db.session.scalars(
        select(TelegramMessage).where(TelegramMessage.failed_at.is_not(None))
    ).one()
    assert "answered 403" in row.last_error and "failed 403" in row.last_error


def test_unlinking_stops_the_messages(app, acme, bot_api):
    org, people = acme
    link_chat(app, people["it"], 501)
    link_chat(app, people["cmo"], 502)
    client = app.test_client()
    login(client, people["it"].email)
    assert form_post(client, "/profile/", "/profile/telegram/unlink", {}).status_code == 303
    send_update(app.test_client(), 502, "/stop")
    assign(org, people["cio"], people["it"])
    make_recommendation(org, people["agency"], title="Sent to nobody")
    telegram_relay.relay()
    assert len(bot_api.sent(501)) == 1  # "linked" only
    assert bot_api.sent(502)[-1].startswith("Unlinked: collab sends nothing more here.")
    assert db.session.scalar(select(func.count()).select_from(TelegramLink)) == 0


def test_another_organisations_person_never_gets_anything(app, acme, bot_api):
    org, people = acme
    other = make_org("globex")
    neighbour = make_user(other, "it")
    neighbour_cio = make_user(other, "cio")
    link_chat(app, neighbour, 900)
    link_chat(app, neighbour_cio, 901)
    link_chat(app, people["it"], 501)
    task = assign(org, people["cio"], people["it"])
    task.due_date = utcnow().date() - dt.timedelta(days=10)  # up to level 3
    db.session.commit()
    scan()
    telegram_relay.relay()
    assert len(bot_api.sent(900)) == len(bot_api.sent(901)) == 1  # their "linked" only
    assert len(bot_api.sent(501)) > 1


def test_the_monthly_report_sends_a_note_to_directors_who_want_digests(app, acme, bot_api):
    from collab.reports.mailing import send_monthly_reports

    org, people = acme
    org.created_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    db.session.commit()
    link_chat(app, people["cio"], 501)
    link_chat(app, people["cmo"], 502)
    link_chat(app, people["it"], 503)  # not a director: the e-mail is the directors' and agency's
    telegram.set_preferences(
        people["cmo"], assignments=True, mentions=True, alert_levels="123", digests=False
    )
    db.session.commit()
    assert send_monthly_reports(dt.datetime(2025, 4, 1, 9, tzinfo=dt.UTC)) == 1
    telegram_relay.relay()
    assert bot_api.sent(501)[1:] == [
        "Acme: the report for 2025-03 is ready (also in your e-mail).\n"
        f"{app.config['BASE_URL']}/orgs/acme/reports/monthly?month=2025-03"
    ]
    assert len(bot_api.sent(502)) == len(bot_api.sent(503)) == 1


def test_operators_run_the_telegram_jobs_by_hand(app, acme, bot_api, runner):
    org, people = acme
    app.config["TELEGRAM_WEBHOOK_SECRET"] = None
    code = code_from_profile(app, people["it"])
    bot_api.updates.append(an_update(501, f"/start {code}", 80))
    polled = runner.invoke(args=["jobs", "run", "telegram"])
    assert polled.exit_code == 0 and "telegram updates: 1 handled, 0 repeats" in polled.output
    sent = runner.invoke(args=["jobs", "run", "webhooks"])
    assert sent.exit_code == 0 and "telegram: 1 sent, 0 failed, 0 gave up" in sent.output
    assert bot_api.sent(501)[0].startswith("Linked")


def test_the_daily_digest_sends_a_note_to_those_who_want_digests(app, acme, bot_api):
    from collab.accounts.people import set_email_mode
    from collab.followup.digest import send_digests

    org, people = acme
    link_chat(app, people["it"], 501)
    set_email_mode(people["it"], "digest")
    db.session.commit()
    assign(org, people["cio"], people["it"])
    assert send_digests() >= 1
    telegram_relay.relay()
    note = bot_api.sent(501)[-1]
    assert re.fullmatch(
        r"Your collab digest is in your e-mail: \d+ items?\.\n"
        + re.escape(app.config["BASE_URL"])
        + "/",
        note,
    )


def test_a_change_made_while_redis_is_away_still_reaches_the_chat(app, acme, bot_api):
    org, people = acme
    link_chat(app, people["it"], 501)
    task = make_recommendation(org, people["cio"], title="Fix the 404s").tasks[0]
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # Redis is away
    answer = app.test_client().patch(
        f"/api/v1/orgs/acme/tasks/{task.id}",
        json={"version": 1, "status": "todo", "assignee": people["it"].email},
        headers=bearer(people["cio"]),
    )
    assert answer.status_code == 200, answer.json
    assert db.session.scalar(select(func.count()).where(TelegramMessage.sent_at.is_(None))) == 1
    telegram_relay.relay()  # once the job runs again
    assert bot_api.sent(501)[-1].startswith(f"{people['cio'].display_name} assigned")


def test_a_mention_reaches_the_chat_of_someone_who_wants_mentions(app, acme, bot_api):
    org, people = acme
    link_chat(app, people["it"], 501)
    link_chat(app, people["agency"], 502)
    task = assign(org, people["cio"], people["it"])
    telegram_relay.relay()  # the assignment
    before = {chat: len(bot_api.sent(chat)) for chat in (501, 502)}
    cio = membership(people["cio"], org)
    it_handle, agency_handle = people["it"].name, people["agency"].name
    add_comment(cio, task, f"@{it_handle} and @{agency_handle}: internal only", internal=True)
    db.session.commit()
    telegram_relay.relay()
    said = bot_api.sent(501)[before[501] :]
    assert len(said) == 1 and "mentioned you" in said[0] and "internal only" in said[0]
    assert bot_api.sent(502)[before[502] :] == []  # an internal comment never reaches the agency
    add_comment(cio, task, f"@{agency_handle}, could you check the redirects?")
    db.session.commit()
    telegram_relay.relay()
    assert len(bot_api.sent(502)[before[502] :]) == 1  # a comment the agency reads does
