"""What every message a relay sends to another system keeps of its tries: webhook
deliveries, Slack and Telegram messages are claimed, sent, and tried again with the same
back-off for a day (collab/integrations/deliveries.py), then given up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from collab.platform.clock import UTCDateTime, utcnow


class Retried:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the relay may try it (again); a claim pushes it forward by the lease.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The back-off's day counts from the first attempt (from a "send again" after one).
    first_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # given up
