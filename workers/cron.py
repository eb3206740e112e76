"""The periodic schedule, read by `rq cron workers/cron.py` (exactly one per deployment)."""

from rq import cron

from workers import jobs

# Registered here so `rq cron` has a schedule from the first day; the overdue scan,
# the outbox relay and the digest join it as they are built.
cron.register(jobs.heartbeat, queue_name="low", interval=60)
