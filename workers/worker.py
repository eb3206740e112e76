"""The RQ worker collab runs: RQ's own, plus two repairs and a lighter work horse.

A job is never out of Redis's sight. RQ takes a job from several queues with BLPOP, which
removes it from its queue before the worker has recorded it anywhere: a worker killed in
that moment (kill -9, an out-of-memory kill, a host lost), or a Redis shut down just after
answering, leaves the job marked queued in no queue, and it never runs. RQ keeps a job in
the queue's hand-over ("intermediate") list only when a worker listens on one queue. Here a
worker moves the job from its queue to that list in one atomic step (a Lua script), takes it
off the list once RQ has recorded it as started, and the maintenance RQ runs every ten
minutes hands back to its queue a job that sat in the list for over a minute without
starting: its worker died before the job began, so running it now runs it once.

Redis has no blocking move from several lists, so a waiting worker blocks on its first
queue for a tenth of a second at a time and looks at the others in between: a job on a
lower queue waits at most that long, and an idle worker costs Redis ten cheap calls a second.

A worker registered again. RQ registers a worker once, at start. A worker that outlives a
Redis restart without its data (no append-only file, a managed Redis failing over)
reconnects and keeps taking jobs, but is no longer in the worker registry, so operators (the
admin page, `rq info`) see no worker at all while jobs are done. Its heartbeat notices the
loss and registers it again.

A lighter work horse. RQ forks a horse for each job from this process, which has loaded
the app (workers.settings): the app's objects are frozen out of the horses' garbage
collections first (collab.platform.forking).
"""

from __future__ import annotations

import time

from rq import Queue
from rq import Worker as RQWorker
from rq.exceptions import DequeueTimeout, NoSuchJobError
from rq.intermediate_queue import IntermediateQueue
from rq.job import JobStatus
from rq.utils import as_text, backend_class

from collab.platform import forking

WAIT_SECONDS = 0.1

# KEYS: queue, its hand-over list, next queue, its list, ... in the order to look.
_TAKE = """
for i = 1, #KEYS, 2 do
  local job_id = redis.call('LPOP', KEYS[i])
  if job_id then
    redis.call('RPUSH', KEYS[i + 1], job_id)
    return {KEYS[i], job_id}
  end
end
return false
"""


class HandOver(IntermediateQueue):
    def cleanup(self, worker, queue) -> None:
        """Hands back a job whose worker died before it began; RQ's own marks it failed."""
        for job_id in self.get_job_ids():
            if job_id in queue.started_job_registry:
                continue  # running, or its worker's death is RQ's started registry's to judge
            job = queue.fetch_job(job_id)
            if job is None or job.get_status() != JobStatus.QUEUED:
                self.remove(job_id)  # gone, or already done: only the list entry is left over
                continue
            if self.set_first_seen(job_id) or not self.should_be_cleaned_up(job_id):
                continue  # a live worker records its job within milliseconds
            with self.connection.pipeline() as pipeline:
                pipeline.lrem(self.key, 1, job_id)
                queue.push_job_id(job_id, pipeline=pipeline, at_front=True)
                pipeline.delete(self.get_first_seen_key(job_id))
                pipeline.execute()
            worker.log.warning("Job %s was taken by a worker that died; queued again", job_id)


class HandOverQueue(Queue):
    @property
    def intermediate_queue(self) -> HandOver:
        return HandOver(self.key, connection=self.connection)

    @classmethod
    def dequeue_any(
        cls,
        queues,
        timeout,
        connection,
        job_class=None,
        serializer=None,
        death_penalty_class=None,
    ):
        if timeout == 0:
            raise ValueError("RQ does not support indefinite timeouts")
        job_cls = backend_class(cls, "job_class", override=job_class)
        keys = [key for queue in queues for key in (queue.key, queue.intermediate_queue_key)]
        take = connection.register_script(_TAKE)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            taken = take(keys=keys)
            if not taken:
                if deadline is None:
                    return None
                if time.monotonic() >= deadline:
                    raise DequeueTimeout(timeout, keys[::2])
                # Wake at once for the first queue's next job, and look at the rest soon.
                job_id = connection.blmove(keys[0], keys[1], WAIT_SECONDS)
                if job_id is None:
                    continue
                taken = (keys[0], job_id)
            queue_key, job_id = map(as_text, taken)
            queue = cls.from_queue_key(
                queue_key,
                connection=connection,
                job_class=job_cls,
                serializer=serializer,
                death_penalty_class=death_penalty_class,
            )
            try:
                return job_cls.fetch(job_id, connection=connection, serializer=serializer), queue
            except NoSuchJobError:
                queue.intermediate_queue.remove(job_id)  # deleted while it waited


class Worker(RQWorker):
    queue_class = HandOverQueue

    def __init__(self, queues, *args, **kwargs):
        # `rq worker` builds plain rq.Queue objects and passes rq.Queue as queue_class.
        kwargs["queue_class"] = HandOverQueue
        queues = [queues] if isinstance(queues, str | Queue) else list(queues)
        super().__init__(
            [
                HandOverQueue(
                    queue.name,
                    connection=queue.connection,
                    job_class=queue.job_class,
                    serializer=queue.serializer,
                )
                if isinstance(queue, Queue)
                else queue
                for queue in queues
            ],
            *args,
            **kwargs,
        )

    def prepare_execution(self, job):
        execution = super().prepare_execution(job)
        # Recorded as started now: if this worker dies, RQ's started registry fails the job.
        HandOverQueue(job.origin, connection=self.connection).intermediate_queue.remove(job.id)
        return execution

    def fork_work_horse(self, job, queue):
        forking.before_fork()
        super().fork_work_horse(job, queue)

    def main_work_horse(self, job, queue):
        forking.after_fork()
        super().main_work_horse(job, queue)

    def heartbeat(self, timeout=None, pipeline=None):
        # Inside a pipeline nothing can be read back; the next plain heartbeat checks.
        forgotten = pipeline is None and not self.connection.hexists(self.key, "birth")
        if forgotten:
            self.connection.delete(self.key)  # only the heartbeat's stub of a hash is left
            self.register_birth()
        super().heartbeat(timeout, pipeline)
