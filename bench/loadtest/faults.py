"""What goes wrong mid-run, at fixed points of it: an RQ worker is killed outright, Redis
is restarted (down about eight seconds), PostgreSQL is restarted. Besides, the overdue scan
is asked for every few seconds, so two workers often scan at once (duplicate alerts would
show)."""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass, field

from bench.loadtest.stack import Stack

REDIS_DOWN_SECONDS = 8.0
POSTGRES_DOWN_SECONDS = 2.0
SCAN_EVERY_SECONDS = 5.0


@dataclass
class Fault:
    name: str
    started: float  # time.monotonic()
    ended: float = 0.0
    detail: dict = field(default_factory=dict)


class Faults(threading.Thread):
    def __init__(self, stack: Stack, seconds: float, began: float, enabled: bool = True):
        super().__init__(name="faults", daemon=True)
        self.stack = stack
        self.began = began
        plan = [
            (0.20 * seconds, self.kill_worker),
            (0.30 * seconds, self.restart_redis),
            (0.65 * seconds, self.restart_postgres),
        ]
        self.plan = plan if enabled else []
        self.done: list[Fault] = []
        self.errors: list[str] = []

    def run(self) -> None:
        for at, action in self.plan:
            time.sleep(max(0.0, self.began + at - time.monotonic()))
            try:
                self.done.append(action())
            except Exception as exc:  # reported in the verdict, never swallowed
                self.errors.append(f"{action.__name__}: {type(exc).__name__}: {exc}")

    def kill_worker(self) -> Fault:
        worker = self.stack.named("worker")[0]
        starts = len(worker.starts)
        fault = Fault("kill -9 an RQ worker", time.monotonic())
        fault.detail["pid"] = worker.kill(signal.SIGKILL)
        fault.detail["process"] = worker.name
        fault.detail["starts_before"] = starts
        fault.ended = time.monotonic()
        return fault

    def restart_redis(self) -> Fault:
        fault = Fault("restart Redis", time.monotonic())
        self.stack.redis.stop()
        time.sleep(REDIS_DOWN_SECONDS)
        self.stack.redis.start()
        fault.ended = time.monotonic()
        return fault

    def restart_postgres(self) -> Fault:
        fault = Fault("restart PostgreSQL", time.monotonic())
        self.stack.postgres.halt("fast")  # every session ends, as in a restart
        time.sleep(POSTGRES_DOWN_SECONDS)
        self.stack.postgres.serve()
        fault.ended = time.monotonic()
        return fault


class ScanPressure(threading.Thread):
    """Asks for the overdue scan every few seconds, besides `rq cron`'s own ticks."""

    def __init__(self, redis_url: str, deadline: float):
        super().__init__(name="scans", daemon=True)
        self.redis_url = redis_url
        self.deadline = deadline
        self.asked = 0

    def run(self) -> None:
        from redis import Redis
        from redis.exceptions import RedisError
        from rq import Queue

        from collab.platform.jobs import job

        declared = job("workers.jobs.overdue_scan")
        connection = Redis.from_url(self.redis_url, socket_connect_timeout=1, socket_timeout=2)
        while time.monotonic() < self.deadline:
            try:
                Queue(declared.queue, connection=connection).enqueue_call(
                    func=declared.name,
                    timeout=declared.timeout,
                    result_ttl=declared.keep_result,
                )
                self.asked += 1
            except RedisError:
                pass  # Redis is being restarted: the next tick asks again
            time.sleep(SCAN_EVERY_SECONDS)
