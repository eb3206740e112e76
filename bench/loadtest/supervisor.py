"""A process of deploy/processes.toml kept running the way its systemd unit keeps it.

The units (deploy/systemd.py) say: restart on failure, never on a clean exit; wait
RestartSec at first, growing towards RestartMaxDelaySec over RestartSteps restarts; when the
main process is gone, what is left of it (an RQ work horse) may finish within
TimeoutStopSec before it is killed (KillMode=mixed). This class does the same with the
same figures, so a process that survives here survives there."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from deploy import systemd


def restart_delay(restarts: int) -> float:
    """systemd's RestartSteps: RestartSec x (RestartMaxDelaySec/RestartSec)^(n/steps)."""
    low, high, steps = systemd.RESTART_SEC, systemd.RESTART_MAX_DELAY_SEC, systemd.RESTART_STEPS
    return low * (high / low) ** (min(restarts, steps) / steps)


@dataclass
class Exit:
    at: float  # time.monotonic()
    status: int  # negative: killed by that signal


@dataclass
class Supervised:
    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    log: Path
    stop_seconds: float = 30.0  # TimeoutStopSec
    exits: list[Exit] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)

    def __post_init__(self):
        self._process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"supervise-{self.name}")

    def start(self) -> None:
        self._thread.start()

    @property
    def pid(self) -> int | None:
        with self._lock:
            process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def kill(self, sig: int = signal.SIGKILL) -> int | None:
        """The fault: the main process dies (what it forked is left to the stop rules)."""
        pid = self.pid
        if pid is not None:
            os.kill(pid, sig)
        return pid

    def stop(self) -> None:
        """As `systemctl stop`: TERM to the main process, KILL to the group after the wait."""
        self._stopping.set()
        pid = self.pid
        if pid is not None:
            os.kill(pid, signal.SIGTERM)
        self._thread.join(timeout=self.stop_seconds)
        if self._thread.is_alive() and pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            self._thread.join()

    def _run(self) -> None:
        restarts = 0
        with self.log.open("ab") as log:
            while not self._stopping.is_set():
                with self._lock:
                    self._process = subprocess.Popen(
                        self.argv,
                        cwd=self.cwd,
                        env=self.env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,  # its process group stands for the unit's cgroup
                    )
                self.starts.append(time.monotonic())
                status = self._process.wait()
                self.exits.append(Exit(time.monotonic(), status))
                self._clear_group(self._process.pid)
                if self._stopping.is_set() or status == 0:  # Restart=on-failure
                    return
                delay = restart_delay(restarts)
                restarts += 1
                log.write(
                    f"supervisor: {self.name} exited ({status}); again in {delay:.1f}s\n".encode()
                )
                log.flush()
                self._stopping.wait(delay)

    def _clear_group(self, group: int) -> None:
        """KillMode=mixed after the main process ended: the rest may finish, then KILL."""
        deadline = time.monotonic() + self.stop_seconds
        while time.monotonic() < deadline and group_alive(group):
            time.sleep(0.1)
        if group_alive(group):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)


def group_alive(group: int) -> bool:
    """Whether a process of this group still runs. Read from /proc, because an orphan that
    ended stays a zombie until whoever adopted it reaps it, and kill(0) counts zombies."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False
