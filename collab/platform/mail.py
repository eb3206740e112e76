"""Putting one e-mail on the wire: SMTP when MAIL_SERVER is set, else the mail log."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from flask import current_app

from collab.platform.clock import utcnow

log = logging.getLogger(__name__)
SUBJECT_LENGTH = 250
_SPACES = re.compile(r"\s+")


def header_text(value: str, limit: int = SUBJECT_LENGTH) -> str:
    """One line of header text from whatever people typed.

    A line break (CR, LF, NEL, U+2028...) or any other control character in a header makes
    the e-mail library refuse the message on every attempt, so the e-mail is never sent;
    all of them become spaces here. Long values are folded by the library when written."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in value or ""
    )
    cleaned = _SPACES.sub(" ", cleaned).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


class Conversation:
    """One SMTP connection for the messages of a relay run, opened at the first and closed
    at the end: a connection, greeting and goodbye per message cost the worker about as much
    CPU as the messages themselves. Any failure drops the connection; the next message opens
    a new one."""

    def __init__(self) -> None:
        self._connection = None
        self._sent = 0

    def send(self, message) -> None:
        import smtplib

        stale = self._connection is not None and self._sent > 0
        try:
            self._open().send(message)
        except smtplib.SMTPServerDisconnected:
            self.close()
            if not stale:
                raise
            # The server hung up while the connection sat idle, before this message: nothing
            # of it reached the server, so it is tried once on a new connection.
            try:
                self._open().send(message)
            except Exception:
                self.close()
                raise
        except Exception:
            self.close()
            raise
        self._sent += 1

    def _open(self):
        from collab.platform.extensions import mail

        if self._connection is None:
            self._connection = mail.connect().__enter__()
            self._sent = 0
        return self._connection

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.host is not None:
            try:
                connection.host.quit()
            except Exception:  # noqa: BLE001 (already broken: the messages are recorded)
                connection.host.close()


@contextmanager
def conversation() -> Iterator[Conversation]:
    talk = Conversation()
    try:
        yield talk
    finally:
        talk.close()


def deliver(
    to: str,
    subject: str,
    body: str,
    message_id: str,
    cc: tuple[str, ...] = (),
    via: Conversation | None = None,
) -> None:
    """Sends one message (through ``via``'s connection when given). The Message-ID comes
    from the caller's outbox row, so a resend after a crash carries the same ID and mail
    clients and servers see one message."""
    config = current_app.config
    subject = header_text(subject) or "collab"
    to = header_text(to, limit=320)
    cc = tuple(address for address in (header_text(c, limit=320) for c in cc) if address)
    if config.get("MAIL_SERVER"):
        from flask_mail import Message

        message = Message(
            subject=subject,
            recipients=[to],
            cc=list(cc),
            body=body,
            sender=config["MAIL_FROM"],
        )
        message.msgId = message_id  # Flask-Mail would otherwise make a new one per attempt
        if via is None:
            with conversation() as talk:
                talk.send(message)
        else:
            via.send(message)
        log.info("mail %s to %s (cc %s) sent over SMTP: %s", message_id, to, ",".join(cc), subject)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id
    # 8bit keeps links on one line in the log and in clients that show the raw text.
    message.set_content(body, cte="8bit")
    path = Path(config["MAIL_LOG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(message.as_string())
        out.write("\n" + "=" * 72 + "\n")
    log.info("mail %s to %s written to %s: %s", message_id, to, path, subject)
