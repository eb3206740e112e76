"""Where a new notification goes beyond collab: the one place that fans notifications out
to the outboxes (e-mail, Telegram), in the transaction that made them, so a change that
rolls back sends nothing and one that stands sends each once."""

from __future__ import annotations

from collab.notifications.outbox import email_rows_for_notifications
from collab.notifications.telegram_outbox import messages_for_notifications


def deliver_notifications(condition) -> None:
    """E-mail and Telegram messages for the notifications matching ``condition``, each as
    its person chose (e-mail at once, Telegram by kind and alert level)."""
    email_rows_for_notifications(condition)
    messages_for_notifications(condition)
