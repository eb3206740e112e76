"""Where the CPU went during the load: seconds used by each supervised process (with what it
forked: gunicorn's workers, RQ's work horses), PostgreSQL, Redis and the load generator
itself. Read from /proc, so the figures are this machine's, other people's work excluded;
printed beside the throughput, never judged."""

from __future__ import annotations

import os
import threading
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stats() -> list[tuple[int, int, int, float, float]]:
    """(pid, ppid, pgrp, own seconds, reaped children's seconds) of every process."""
    found = []
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = path.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        # fields[0] is field 3 (state) of proc(5): utime is field 14, cutime field 16.
        utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
        found.append(
            (
                int(path.parent.name),
                int(fields[1]),
                int(fields[2]),
                (utime + stime) / TICK,
                (cutime + cstime) / TICK,
            )
        )
    return found


def tree_seconds(root: int, stats: list | None = None) -> float:
    """CPU seconds of ``root`` and everything under it, those that ended included (as long
    as their parent reaped them)."""
    stats = stats if stats is not None else _stats()
    children: dict[int, list[int]] = {}
    rows = {pid: (own, reaped) for pid, _, _, own, reaped in stats}
    for pid, ppid, *_ in stats:
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in rows:
            total += rows[pid][0] + rows[pid][1]
            todo.extend(children.get(pid, []))
    return total


def group_seconds(group: int, stats: list | None = None) -> float:
    """CPU seconds of a process group (a supervised process and what it forked)."""
    stats = stats if stats is not None else _stats()
    return sum(
        own + (reaped if pid == group else 0.0)
        for pid, _, pgrp, own, reaped in stats
        if pgrp == group
    )


def snapshot(stack) -> dict[tuple[str, int], float]:
    """Seconds so far, by (what, process)."""
    stats = _stats()
    seconds: dict[tuple[str, int], float] = {}
    for supervised in stack.supervised:
        if supervised.pid is not None:
            name = supervised.name.split("-")[0]
            seconds[(name, supervised.pid)] = group_seconds(supervised.pid, stats)
    postmaster = stack.postgres.directory / "data" / "postmaster.pid"
    try:
        pid = int(postmaster.read_text().split()[0])
        seconds[("postgres", pid)] = tree_seconds(pid, stats)
    except (OSError, ValueError, IndexError):
        pass  # being restarted
    if stack.redis.process is not None:
        seconds[("redis", stack.redis.process.pid)] = tree_seconds(stack.redis.process.pid, stats)
    times = os.times()
    seconds[("load generator", os.getpid())] = times.user + times.system
    return seconds


class Meter(threading.Thread):
    """Samples every second and adds up what each process used since the last sample: a
    process restarted by a fault counts from its start, not from zero again."""

    def __init__(self, stack):
        super().__init__(name="cpu", daemon=True)
        self.stack = stack
        self.totals: dict[str, float] = {}
        self._last = snapshot(stack)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(1.0):
            self.sample()

    def sample(self) -> None:
        now = snapshot(self.stack)
        for (name, pid), seconds in now.items():
            spent = seconds - self._last.get((name, pid), 0.0)
            self.totals[name] = self.totals.get(name, 0.0) + max(spent, 0.0)
        self._last = now

    def stop(self) -> dict[str, float]:
        self._halt.set()
        self.join()
        self.sample()
        return {name: round(seconds, 1) for name, seconds in sorted(self.totals.items())}
