"""RQ settings, for `rq worker -c workers.settings` (deploy/processes.toml).

RQ imports this module in the worker's main process, before it forks a work horse for each
job. Importing every job's entry point here builds collab's app once, in that process, so
each horse inherits it and starts its job at once. Without it every job built the whole
app again in its horse: about two seconds of CPU a job, with the e-mail relay running every
five seconds. No setting is overridden: the Redis URL comes from the command line.

SQLAlchemy's mappers are configured here too: it does that on a process's first query, and
no query runs in this process, so every horse did it again for its job (about a quarter of
the workers' CPU under make loadtest, the e-mail relay being most of their jobs)."""

from sqlalchemy.orm import configure_mappers

from collab.platform import jobs

for _declared in jobs.JOBS.values():
    jobs.entry_point(_declared.name)
configure_mappers()
