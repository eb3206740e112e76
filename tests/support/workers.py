"""Real RQ worker processes for the tests, pointed at the test's database and Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from collab.platform.config import ROOT


def worker_env(app, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url,
        "COLLAB_INSTANCE": str(Path(app.config["MAIL_LOG"]).parent),
        "PYTHONPATH": str(ROOT),
    }


def start_burst_workers(
    app, redis_url: str, count: int, queues=("high", "default", "low"), extra_env=None
):
    """`rq worker --burst` processes: each works until the queues are empty, then exits.
    They run without RQ's scheduler, as a worker started without --with-scheduler does."""
    rq = str(Path(sys.executable).parent / "rq")
    return [
        subprocess.Popen(
            [
                rq,
                "worker",
                "--burst",
                "--worker-class",
                "workers.worker.Worker",
                "--url",
                redis_url,
                "--path",
                str(ROOT),
                "--name",
                f"test-worker-{i}-{os.getpid()}",
                *queues,
            ],
            env={**worker_env(app, redis_url), **(extra_env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for i in range(count)
    ]


def wait_all(processes, timeout: float = 120) -> list[str]:
    outputs = []
    for process in processes:
        out, _ = process.communicate(timeout=timeout)
        assert process.returncode == 0, out
        outputs.append(out)
    return outputs
