"""The periodic schedule, read by `rq cron workers/cron.py`. Run exactly one per deployment:
the jobs themselves are safe to run twice (unique keys, claimed rows), so a doubled tick
costs time, never a duplicate."""

from rq import cron

from workers import jobs

cron.register(jobs.relay_outbox, queue_name="high", interval=5, job_timeout=120)
cron.register(jobs.overdue_scan, queue_name="default", interval=300, job_timeout=600)
cron.register(jobs.daily_digest, queue_name="low", cron="0 6 * * *", job_timeout=600)
cron.register(jobs.impact_run, queue_name="low", cron="30 2 * * *", job_timeout=3600)
cron.register(jobs.heartbeat, queue_name="low", interval=60)
