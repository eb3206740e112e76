"""E-mail over real SMTP (a local aiosmtpd server), once per outbox row."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from collab.models import Notification, OutboxEmail
from collab.notifications.outbox import MAX_ATTEMPTS, queue_email, relay
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from tests.support.factories import (
    bearer,
    csrf_from,
    login,
    make_org,
    make_recommendation,
    make_user,
)
from tests.support.servers import free_port


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_relay_sends_over_smtp_with_directors_copied_on_agency_mail(app, smtp_server):
    controller, inbox = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    from collab.platform.extensions import mail

    mail.init_app(app)  # Flask-Mail reads its settings when bound
    org = make_org("acme")
    cio, cmo = make_user(org, "cio"), make_user(org, "cmo")
    agency = make_user(org, "agency")
    row = queue_email(
        agency.email,
        "Your recommendation needs information",
        "Please answer.",
        org=org,
        user=agency,
    )
    db.session.commit()
    assert relay()["sent"] == 1
    assert relay()["sent"] == 0  # sent once; a second relay has nothing to do
    [(recipients, message)] = inbox.messages
    assert sorted(recipients) == sorted([agency.email, cio.email, cmo.email])
    assert message["Message-ID"] == f"<collab-outbox-{row.id}@collab.local>"
    assert cio.email in message["Cc"] and cmo.email in message["Cc"]


def test_a_refused_connection_keeps_the_row_for_later(app, smtp_server):
    controller, inbox = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens
    from collab.platform.extensions import mail

    mail.init_app(app)
    org = make_org("acme")
    user = make_user(org, "it")
    row = queue_email(user.email, "Due soon", "A task is due tomorrow.", org=org, user=user)
    db.session.commit()
    result = relay()
    assert (result["sent"], result["failed"], result["pending"]) == (0, 1, 1)
    db.session.refresh(row)
    assert row.sent_at is None and "Connection" in row.last_error
    app.config["MAIL_PORT"] = controller.port
    mail.init_app(app)
    row.claimed_until = None  # the back-off has passed
    db.session.commit()
    assert relay()["sent"] == 1
    assert len(inbox.messages) == 1


def _use_smtp(app, port: int) -> None:
    from collab.platform.extensions import mail

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    mail.init_app(app)  # Flask-Mail reads its settings when bound


def test_line_breaks_typed_by_people_never_stop_an_email(app, client, smtp_server):
    """A title with CR/LF and a multi-line comment used to fail every attempt with
    "Header values may not contain linefeed": both now reach the server, subjects on one
    line and the comment's lines kept in the body."""
    controller, inbox = smtp_server
    _use_smtp(app, controller.port)
    org = make_org("acme")
    cio, cmo = make_user(org, "cio"), make_user(org, "cmo")
    agency = make_user(org, "agency")
    recommendation = make_recommendation(org, agency, title="Fix 404s\r\non the blog\rnow")
    task = recommendation.tasks[0]
    comment = client.post(
        f"/api/v1/orgs/acme/tasks/{task.id}/comments",
        json={"body": "Line one\nLine two\r\nLine three\u2028and a fourth"},
        headers=bearer(agency),
    )
    assert comment.status_code == 201
    result = relay()
    assert (result["sent"], result["failed"], result["pending"]) == (4, 0, 0)
    received = [(to, message) for to, message in inbox.messages]
    assert sorted(to[0] for to, _ in received) == sorted([cio.email, cmo.email] * 2)
    subjects = [str(message["Subject"]) for _, message in received]
    assert all("\r" not in s and "\n" not in s for s in subjects)
    assert all("Fix 404s on the blog now" in s for s in subjects)  # the title, on one line
    bodies = [message.get_content().replace("\r\n", "\n") for _, message in received]
    assert sum("Line one\nLine two\nLine three\u2028and a fourth" in b for b in bodies) == 2


def test_a_subject_with_line_breaks_written_before_the_fix_is_sent_too(app, smtp_server):
    controller, inbox = smtp_server
    _use_smtp(app, controller.port)
    org = make_org("acme")
    user = make_user(org, "it")
    row = queue_email(user.email, "placeholder", "Body.", org=org, user=user)
    row.subject = "Stored\r\nbefore\nthe fix"  # as rows in the outbox already are
    db.session.commit()
    assert relay()["sent"] == 1
    [(_, message)] = inbox.messages
    assert str(message["Subject"]) == "Stored before the fix"


def _fail_for_good(app, org, user, subject="Your weekly digest"):
    """Every attempt refused (nothing listens), each after its back-off: the relay's own
    clock argument stands for the hours passing."""
    _use_smtp(app, free_port())
    row = queue_email(user.email, subject, "Body.", org=org, user=user)
    db.session.commit()
    start = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        result = relay(now=start + timedelta(hours=attempt))
        assert result["failed"] == 1, (attempt, result)
    db.session.refresh(row)
    return row


def test_an_email_that_fails_for_good_is_shown_to_operators_and_told_to_directors_once(
    app, client, smtp_server
):
    controller, inbox = smtp_server
    org = make_org("acme")
    cio, cmo = make_user(org, "cio"), make_user(org, "cmo")
    staff = make_user(org, "it")
    operator = make_user(admin=True)
    emails_before = db.session.scalar(select(func.count()).select_from(OutboxEmail))

    row = _fail_for_good(app, org, staff, "Due soon:\r\n“Fix 404s”")
    assert row.failed_at is not None and row.sent_at is None
    assert "Connection refused" in row.last_error
    # Nothing more is tried, and nobody is told twice.
    again = relay(now=utcnow() + timedelta(days=2))
    assert (again["failed"], again["gave_up"], again["failed_for_good"]) == (0, 0, 1)
    told = db.session.execute(
        select(Notification.user_id, Notification.text).where(Notification.kind == "email_failed")
    ).all()
    assert sorted(user_id for user_id, _ in told) == sorted([cio.id, cmo.id])
    assert staff.email in told[0].text and "Due soon" in told[0].text
    # The notice is in collab only: an e-mail about failing e-mail could fail the same way.
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == emails_before + 1

    # Operators see it with its error, count it in the API, and retry it.
    headers = bearer(operator)
    depths = client.get("/api/v1/admin/queues", headers=headers)
    assert depths.status_code == 200
    assert depths.json["email"] == {"pending": 0, "failed": 1}
    login(client, operator.email)
    page = client.get("/admin/")
    assert staff.email in page.text and "Connection refused" in page.text
    retry = client.post(f"/admin/emails/{row.id}/retry", data={"csrf_token": csrf_from(page.text)})
    assert retry.status_code == 303
    assert client.get("/api/v1/admin/queues", headers=headers).json["email"] == {
        "pending": 1,
        "failed": 0,
    }
    _use_smtp(app, controller.port)
    assert relay()["sent"] == 1
    [(recipients, message)] = inbox.messages
    assert recipients == [staff.email]
    assert message["Message-ID"] == f"<collab-outbox-{row.id}@collab.local>"
    assert "No failed e-mail." in client.get("/admin/").text


def test_failures_in_one_run_make_one_notice_per_director(app, smtp_server):
    org = make_org("acme")
    cio = make_user(org, "cio")
    staff = [make_user(org, "it") for _ in range(3)]
    _use_smtp(app, free_port())
    for person in staff:
        queue_email(person.email, "Hello", "Body.", org=org, user=person)
    db.session.commit()
    start = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        relay(now=start + timedelta(hours=attempt))
    [text] = db.session.scalars(
        select(Notification.text).where(
            Notification.kind == "email_failed", Notification.user_id == cio.id
        )
    )
    assert "nor 2 more" in text


def test_retries_need_no_rq_scheduler(app, redis_server, smtp_server):
    """The relay job, run by a worker without --with-scheduler, retries a failed e-mail on
    its next run: the back-off lives in the outbox row, not in RQ's scheduled jobs."""
    from redis import Redis
    from rq import Queue

    from tests.support.workers import start_burst_workers, wait_all

    controller, inbox = smtp_server
    org = make_org("acme")
    user = make_user(org, "it")
    row = queue_email(user.email, "Hello", "Body.", org=org, user=user)
    db.session.commit()
    queue = Queue("high", connection=Redis.from_url(redis_server.url))
    env = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(free_port())}  # refused
    queue.enqueue("workers.jobs.relay_outbox")
    wait_all(start_burst_workers(app, redis_server.url, 1, ("high",), extra_env=env))
    db.session.expire_all()
    assert db.session.get(OutboxEmail, row.id).attempts == 1
    assert inbox.messages == []
    db.session.get(OutboxEmail, row.id).claimed_until = None  # its back-off has passed
    db.session.commit()
    env["MAIL_PORT"] = str(controller.port)
    queue.enqueue("workers.jobs.relay_outbox")
    wait_all(start_burst_workers(app, redis_server.url, 1, ("high",), extra_env=env))
    assert len(inbox.messages) == 1


class CountingInbox(Inbox):
    """Counts the SMTP sessions too: how many connections the sender opened."""

    def __init__(self):
        super().__init__()
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.sessions += 1
        session.host_name = hostname
        return responses


def test_a_relay_run_speaks_over_one_connection_and_replaces_one_the_server_dropped(app):
    from flask_mail import Message

    from collab.platform.extensions import mail
    from collab.platform.mail import Conversation

    inbox = CountingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        mail.init_app(app)
        for n in range(5):
            queue_email(f"person{n}@example.com", f"Notice {n}", "Body.")
        db.session.commit()
        assert relay()["sent"] == 5
        assert len(inbox.messages) == 5 and inbox.sessions == 1

        talk = Conversation()
        talk.send(Message("First", recipients=["a@example.com"], body=".", sender="c@x.org"))
        controller.stop()  # the server goes away and comes back: the open connection is dead
        controller = Controller(inbox, hostname="127.0.0.1", port=controller.port)
        controller.start()
        talk.send(Message("Second", recipients=["b@example.com"], body=".", sender="c@x.org"))
        talk.close()
        assert [m["Subject"] for _, m in inbox.messages[-2:]] == ["First", "Second"]
    finally:
        controller.stop()


def test_a_relay_sends_what_no_other_sender_holds_and_leaves_the_rest(app, smtp_server):
    # Two relays run at once on two workers: each claims rows in batches, and a row the other
    # holds (its lease running) is neither sent again nor counted as an attempt here.
    controller, inbox = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    from collab.platform.extensions import mail

    mail.init_app(app)
    rows = [queue_email(f"person{i}@example.com", f"Message {i}", "Hello.") for i in range(45)]
    held = rows[21]
    held.claimed_until, held.attempts = utcnow() + timedelta(minutes=4), 1
    db.session.commit()
    outcome = relay()
    assert outcome["sent"] == 44 and outcome["pending"] == 1
    sent_to = sorted(to for tos, _ in inbox.messages for to in tos)
    assert sent_to == sorted(f"person{i}@example.com" for i in range(45) if i != 21)
    db.session.expire_all()
    assert (held.sent_at, held.attempts) == (None, 1)
    assert {row.attempts for row in rows if row is not held} == {1}
