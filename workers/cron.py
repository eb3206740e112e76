"""The periodic schedule, read by `rq cron workers/cron.py`: every periodic job declared in
collab/platform/jobs.py, on its queue, with its time limit. Run exactly one per deployment:
the jobs themselves are safe to run twice (unique keys, claimed rows), so a doubled tick
costs time, never a duplicate."""

from rq import cron

from collab.platform import jobs

for job in jobs.periodic():
    cron.register(
        jobs.entry_point(job.name),
        queue_name=job.queue,
        interval=job.every,
        cron=job.cron,
        job_timeout=job.timeout,
        result_ttl=job.keep_result,
        failure_ttl=job.keep_failure,
    )
