"""The production topology on this machine: a throw-away PostgreSQL 15 cluster, a Redis
with persistence, an SMTP server that counts what it receives, and every process of
deploy/processes.toml started from its entry, each under a Supervised restart loop."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from pathlib import Path

from bench.loadtest.supervisor import Supervised
from deploy import processes as process_list
from deploy import systemd
from tests.support.servers import (
    PostgresCluster,
    RedisServer,
    free_port,
    start_postgres,
)

ROOT = Path(__file__).resolve().parents[2]
BINDIR = Path(sys.executable).parent  # the checkout's .venv/bin, as the units use


class MailSink:
    """An SMTP server (aiosmtpd) that counts each Message-ID it receives."""

    def __init__(self):
        self.received: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._controller = None
        self.port = free_port()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        headers = BytesHeaderParser().parsebytes(envelope.content)
        with self._lock:
            self.received[str(headers.get("Message-ID", "")).strip()] += 1
        return "250 OK"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.received)


@dataclass
class Stack:
    run_dir: Path
    postgres: PostgresCluster | None = None
    redis: RedisServer | None = None
    mail: MailSink | None = None
    env: dict[str, str] = field(default_factory=dict)
    supervised: list[Supervised] = field(default_factory=list)
    web_url: str = ""
    # LOADTEST_PROCESSES names another list, to measure a variant; deploy's is the default.
    processes: list = field(
        default_factory=lambda: process_list.load(
            Path(os.environ.get("LOADTEST_PROCESSES") or process_list.PROCESSES)
        )
    )

    def start_servers(self) -> None:
        self.postgres = start_postgres()
        database = self.postgres.create_database("collab_load")
        (self.run_dir / "redis").mkdir(parents=True, exist_ok=True)
        self.redis = RedisServer(free_port(), self.run_dir / "redis", persistent=True)
        self.redis.start()
        self.mail = MailSink()
        self.mail.start()
        web_port = free_port()
        self.web_url = f"http://127.0.0.1:{web_port}"
        # What deploy/collab.env.example lists, for this machine. Nothing else of this
        # shell's environment reaches the processes, as nothing reaches a systemd unit.
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            # The shared .venv may have another checkout installed: run this one.
            "PYTHONPATH": str(ROOT),
            "COLLAB_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": database.replace("postgresql+psycopg://", "postgresql://"),
            "REDIS_URL": self.redis.url,
            "BASE_URL": self.web_url,
            "TRUSTED_PROXIES": "0",
            "COLLAB_INSTANCE": str(self.run_dir / "instance"),
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.mail.port),
            "MAIL_FROM": "collab <collab@loadtest.local>",
            "MAIL_DOMAIN": "loadtest.local",
            "WEB_BIND": f"127.0.0.1:{web_port}",
        }
        for name in ("WEB_CONCURRENCY", "WEB_THREADS", "BOARD_STREAMS", "DATABASE_POOL_SIZE"):
            if os.environ.get(name):
                self.env[name] = os.environ[name]
        (self.run_dir / "collab.env").write_text(
            "".join(f"{k}={v}\n" for k, v in self.env.items() if k != "SECRET_KEY")
        )

    def release(self) -> None:
        """The `once` entries (the schema upgrade), to completion, before anything serves."""
        for process in self.processes:
            if process.once:
                with (self.run_dir / f"{process.name}.log").open("wb") as log:
                    subprocess.run(
                        process.argv(self.env, BINDIR),
                        cwd=ROOT,
                        env=self.env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        check=True,
                    )

    def start_processes(self) -> None:
        for process in self.processes:
            if process.once:
                continue
            for number in range(1, process.count + 1):
                name = process.name if process.count == 1 else f"{process.name}-{number}"
                supervised = Supervised(
                    name=name,
                    argv=process.argv(self.env, BINDIR),
                    env=self.env,
                    cwd=ROOT,
                    log=self.run_dir / f"{name}.log",
                    # The unit's TimeoutStopSec, but no test waits an hour for a stuck job.
                    stop_seconds=min(systemd.stop_seconds(process), 60),
                )
                supervised.start()
                self.supervised.append(supervised)

    def named(self, prefix: str) -> list[Supervised]:
        return [s for s in self.supervised if s.name.split("-")[0] == prefix]

    def wait_until_serving(self, workers: int, seconds: float = 90) -> None:
        from redis import Redis
        from rq import Worker

        deadline = time.monotonic() + seconds
        connection = Redis.from_url(self.redis.url)
        while time.monotonic() < deadline:
            if health(self.web_url) == 200 and Worker.count(connection=connection) >= workers:
                return
            time.sleep(0.2)
        raise RuntimeError(f"the stack did not come up in {seconds}s: see {self.run_dir}")

    def stop(self) -> None:
        for supervised in reversed(self.supervised):
            supervised.stop()
        if self.mail is not None:
            self.mail.stop()
        if self.redis is not None:
            self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()
            shutil.rmtree(self.postgres.directory, ignore_errors=True)


def health(url: str) -> int:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0
