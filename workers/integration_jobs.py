"""RQ entry points for what collab tells others: webhook deliveries, Slack and Telegram
messages, and the monthly report e-mail. Declared in collab/platform/jobs.py."""

from __future__ import annotations

import logging

from workers.jobs import app_context

log = logging.getLogger("collab.jobs")


def deliver_outgoing() -> str:
    """Webhook deliveries, Slack and Telegram messages that are due go out (first tries and
    retries)."""
    from collab.integrations import deliveries, slack_relay, telegram_relay

    with app_context():
        line = (
            f"{deliveries.relay_line(deliveries.relay())}; "
            f"{slack_relay.relay_line(slack_relay.relay())}; "
            f"{telegram_relay.relay_line(telegram_relay.relay())}"
        )
        log.info(line)
        return line


def telegram_updates() -> str:
    """Updates waiting at Telegram (``/start CODE``, ``/stop``), where no webhook is set."""
    from collab.integrations import telegram_updates as updates

    with app_context():
        line = updates.poll_line(updates.poll())
        log.info(line)
        return line


def monthly_reports() -> str:
    """Last month's report e-mail, for the organisations whose first working day it is."""
    from collab.reports.mailing import send_monthly_reports

    with app_context():
        line = f"monthly reports: {send_monthly_reports()} organisations' reports queued"
        log.info(line)
        return line
