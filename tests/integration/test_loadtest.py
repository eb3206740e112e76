"""`make loadtest` on its short setting: the processes of deploy/processes.toml, started from
that list on this machine, lose nothing under load while a worker is killed, Redis restarted
and PostgreSQL restarted. Correctness is asserted; the figures are printed, never judged."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from collab.platform.config import ROOT
from tests.support.servers import postgres_bindir, redis_server_binary, unavailable

SHORT = {"LOADTEST_SECONDS": "20", "LOADTEST_CLIENTS": "8", "LOADTEST_DRAIN_SECONDS": "45"}


@pytest.mark.postgres
@pytest.mark.timeout(240)
def test_the_production_topology_loses_nothing_under_load_and_faults():
    if postgres_bindir() is None:
        unavailable("PostgreSQL (initdb, pg_ctl)")
    if redis_server_binary() is None:
        unavailable("redis-server")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LOADTEST_", "WEB_", "DATABASE_"))
    }
    run = subprocess.run(
        [sys.executable, "-m", "bench.loadtest"],
        cwd=ROOT,
        env={**env, **SHORT, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=230,
    )
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    for line in lines:
        if line["case"] != "loadtest_verdict":
            print(json.dumps(line))  # the figures, in the test's output for whoever reads it
    verdicts = [line for line in lines if line["case"] == "loadtest_verdict"]
    assert verdicts, run.stderr[-4000:]
    verdict = verdicts[0]
    assert verdict["ok"], json.dumps(verdict["checks"], indent=1) + run.stderr[-4000:]
    assert len(verdict["checks"]["faults_injected"]["injected"]) == 3
    assert run.returncode == 0
