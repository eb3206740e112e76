"""E-mail over real SMTP (a local aiosmtpd server), once per outbox row."""

from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from collab.notifications.outbox import queue_email, relay
from collab.platform.extensions import db
from tests.support.factories import make_org, make_user
from tests.support.servers import free_port


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
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
