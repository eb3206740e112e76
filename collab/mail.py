"""Outgoing e-mail. Until delivery through the outbox exists, messages go to a mail log."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app

from collab.timeutil import utcnow

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="collab.local")
    # 8bit keeps links on one line in the log and in clients that show the raw text.
    message.set_content(body, cte="8bit")
    path = Path(current_app.config["MAIL_LOG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(message.as_string())
        out.write("\n" + "=" * 72 + "\n")
    log.info("mail to %s: %s (written to %s)", to, subject, path)
    return message
