"""A job taken by a worker is never out of Redis's sight: a worker that dies between taking
a job and starting it leaves the job in its queue's hand-over list, and RQ's maintenance
hands it back, so it runs once."""

import threading
import time

import pytest
from redis import Redis
from rq import Queue
from rq.exceptions import DequeueTimeout
from rq.job import Job, JobStatus

from tests.support.workers import start_burst_workers, wait_all
from workers.worker import HandOverQueue

NAMES = ("high", "default", "low")


def _queues(connection):
    return [HandOverQueue(name, connection=connection) for name in NAMES]


def test_a_taken_job_sits_in_the_hand_over_list_until_it_starts(own_redis):
    connection = Redis.from_url(own_redis.url)
    low = Queue("low", connection=connection).enqueue("workers.jobs.heartbeat")
    high = Queue("high", connection=connection).enqueue("workers.jobs.heartbeat")

    job, queue = HandOverQueue.dequeue_any(_queues(connection), None, connection=connection)

    assert (job.id, queue.name) == (high.id, "high")  # the first queue first
    assert queue.intermediate_queue.get_job_ids() == [high.id]
    assert Queue("high", connection=connection).get_job_ids() == []
    assert job.get_status() == JobStatus.QUEUED
    job, queue = HandOverQueue.dequeue_any(_queues(connection), None, connection=connection)
    assert (job.id, queue.name) == (low.id, "low")
    assert HandOverQueue.dequeue_any(_queues(connection), None, connection=connection) is None


def test_a_waiting_worker_takes_a_job_that_arrives_on_a_later_queue(own_redis):
    connection = Redis.from_url(own_redis.url)
    arrived = []

    def enqueue_soon():
        time.sleep(0.3)
        arrived.append(Queue("low", connection=connection).enqueue("workers.jobs.heartbeat"))

    threading.Thread(target=enqueue_soon).start()
    job, queue = HandOverQueue.dequeue_any(_queues(connection), 20, connection=connection)

    assert (job.id, queue.name) == (arrived[0].id, "low")
    with pytest.raises(DequeueTimeout):  # RQ's worker loop beats its heartbeat then
        HandOverQueue.dequeue_any(_queues(connection), 1, connection=connection)


# What is tested lives in Redis: the database the worker's app opens does not matter.
@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_job_whose_worker_died_before_starting_it_runs_once(app, own_redis):
    connection = Redis.from_url(own_redis.url)
    lost = Queue("default", connection=connection).enqueue("workers.jobs.heartbeat")
    others = [
        Queue(name, connection=connection).enqueue("workers.jobs.heartbeat") for name in NAMES
    ]
    # A worker takes the job, then is killed before recording it as started.
    job, queue = HandOverQueue.dequeue_any(_queues(connection), None, connection=connection)
    assert job.id == others[0].id
    job, queue = HandOverQueue.dequeue_any(_queues(connection), None, connection=connection)
    assert job.id == lost.id
    hand_over = queue.intermediate_queue
    # Taken over a minute ago (RQ's own first-seen mark, which its maintenance reads).
    connection.set(hand_over.get_first_seen_key(lost.id), time.time() - 120)
    connection.delete(f"rq:job:{others[0].id}")  # the other one was deleted meanwhile

    wait_all(start_burst_workers(app, own_redis.url, count=1))

    assert Job.fetch(lost.id, connection=connection).get_status() == JobStatus.FINISHED
    assert all(
        Job.fetch(job.id, connection=connection).get_status() == JobStatus.FINISHED
        for job in others[1:]
    )
    assert all(
        not HandOverQueue(name, connection=connection).intermediate_queue.get_job_ids()
        for name in NAMES
    )


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_job_taken_a_moment_ago_is_left_to_its_worker(app, own_redis):
    connection = Redis.from_url(own_redis.url)
    Queue("default", connection=connection).enqueue("workers.jobs.heartbeat")
    job, queue = HandOverQueue.dequeue_any(_queues(connection), None, connection=connection)

    wait_all(start_burst_workers(app, own_redis.url, count=1))  # runs maintenance first

    assert queue.intermediate_queue.get_job_ids() == [job.id]
    assert job.get_status() == JobStatus.QUEUED  # not run twice, nor failed
