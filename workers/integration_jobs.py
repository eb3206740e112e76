"""RQ entry points for what collab tells others: webhook deliveries and the monthly report
e-mail. Declared in collab/platform/jobs.py."""

from __future__ import annotations

import logging

from workers.jobs import app_context

log = logging.getLogger("collab.jobs")


def deliver_webhooks() -> str:
    """Webhook deliveries that are due go out (first tries and retries)."""
    from collab.integrations.deliveries import relay, relay_line

    with app_context():
        line = relay_line(relay())
        log.info(line)
        return line
