"""E-mail once, even when PostgreSQL drops the relay's connection mid-send: the message
that went out is marked sent when the database answers again, so the lease never sends
it a second time."""

from email import message_from_bytes, policy

import psycopg
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from collab.models import OutboxEmail
from collab.notifications.outbox import queue_email, relay
from collab.platform.extensions import db, mail
from tests.support.factories import make_org, make_user
from tests.support.servers import free_port


class CuttingInbox:
    """An SMTP server that, while it accepts each message, has PostgreSQL end every other
    session of the database: the relay's connection dies between sending and marking."""

    def __init__(self, dsn: str):
        self.dsn = dsn
        self.message_ids = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.message_ids.append(message["Message-ID"])
        with psycopg.connect(self.dsn, autocommit=True) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        return "250 OK"


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_message_sent_while_the_connection_drops_is_marked_sent_once(app, backend):
    url = db.engine.url
    inbox = CuttingInbox(
        f"host={url.host} port={url.port} user={url.username} dbname={url.database}"
    )
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        mail.init_app(app)
        org = make_org("acme")
        user = make_user(org, "it")
        first = queue_email(user.email, "One", "Body.", org=org, user=user)
        second = queue_email(user.email, "Two", "Body.", org=org, user=user)
        db.session.commit()
        ids = [first.id, second.id]

        result = relay()
        assert (result["sent"], result["failed"], result["pending"]) == (2, 0, 0)
        assert relay()["sent"] == 0
        rows = db.session.scalars(select(OutboxEmail).where(OutboxEmail.id.in_(ids))).all()
        assert all(row.sent_at is not None for row in rows)
        assert sorted(inbox.message_ids) == sorted(
            f"<collab-outbox-{row_id}@collab.local>" for row_id in ids
        )
    finally:
        controller.stop()
