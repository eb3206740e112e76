"""`make loadtest`: the production topology on this machine, under load and faults.

Starts a throw-away PostgreSQL 15 cluster, a Redis with persistence and an SMTP server;
runs the `once` entries of deploy/processes.toml (the schema upgrade), seeds the demo
organisations with API tokens, then starts every other entry (gunicorn, two RQ workers with
their scheduler, `rq cron`) under a restart loop that behaves like the systemd units. Many
clients then drive the API while an RQ worker is killed, Redis restarted and PostgreSQL
restarted. At the end it waits for the queues to drain and checks that nothing was lost or
done twice (bench/loadtest/verdict.py).

Prints one JSON object a line: the run, each endpoint's figures (requests a second,
p50/p95/p99 in ms), each fault, and the verdict. Exits 1 when the verdict is not ok.

Settings (environment): LOADTEST_SECONDS (60), LOADTEST_CLIENTS (32),
LOADTEST_DRAIN_SECONDS (90), LOADTEST_FAULTS=0 to measure throughput alone,
LOADTEST_PROCESSES (another process list, to measure a variant), LOADTEST_KEEP=1 to keep
the run's folder (each process's log) even when it passed; WEB_CONCURRENCY and WEB_THREADS
as for gunicorn.conf.py.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.loadtest import cpu, seed, traffic, verdict
from bench.loadtest import faults as fault_injection
from bench.loadtest.stack import Stack


def percentile(sorted_ms: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_ms:
        return 0.0
    rank = max(1, round(share * len(sorted_ms) + 0.5))
    return round(sorted_ms[min(rank, len(sorted_ms)) - 1], 1)


def answered(sample: traffic.Sample) -> bool:
    """An answer other than a server error: what throughput and latency are made of."""
    return 0 < sample.status < 500


def figures(samples: list[traffic.Sample], seconds: float) -> list[dict]:
    """Per endpoint: requests a second and latency percentiles over the answered requests;
    the failed ones (5xx, no answer: all during the PostgreSQL restart when the verdict is
    ok) are counted beside them, as they fail fast and would flatter both."""
    by_endpoint: dict[str, list[traffic.Sample]] = {}
    for sample in samples:
        by_endpoint.setdefault(sample.endpoint, []).append(sample)
    lines = []
    for endpoint, found in sorted([("all", samples), *by_endpoint.items()]):
        ok = [s for s in found if answered(s)]
        ms = sorted(s.ms for s in ok)
        statuses: dict[str, int] = {}
        for s in found:
            statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
        lines.append(
            {
                "case": "loadtest_endpoint",
                "endpoint": endpoint,
                "requests": len(found),
                "failed": len(found) - len(ok),
                "rps": round(len(ok) / seconds, 1),
                "p50_ms": percentile(ms, 0.50),
                "p95_ms": percentile(ms, 0.95),
                "p99_ms": percentile(ms, 0.99),
                "statuses": dict(sorted(statuses.items())),
            }
        )
    return lines


def cpu_per_request(cpu_seconds: dict[str, float], answers: int) -> dict[str, float]:
    """CPU ms each part spent per answered request: steadier than requests a second on a
    machine shared with other work."""
    ours = {k: v for k, v in cpu_seconds.items() if k != "load generator"}
    per = {k: round(v * 1000 / max(answers, 1), 1) for k, v in ours.items()}
    per["stack"] = round(sum(ours.values()) * 1000 / max(answers, 1), 1)
    return per


def emit(line: dict) -> None:
    print(json.dumps(line, default=str), flush=True)


def main() -> int:
    seconds = float(os.environ.get("LOADTEST_SECONDS", 60))
    clients = int(os.environ.get("LOADTEST_CLIENTS", 32))
    drain_seconds = float(os.environ.get("LOADTEST_DRAIN_SECONDS", 90))
    faults_on = os.environ.get("LOADTEST_FAULTS", "1") != "0"
    run_dir = Path(tempfile.mkdtemp(prefix="collab-loadtest-"))
    run_dir.chmod(0o755)
    stack = Stack(run_dir)
    workers = sum(p.count for p in stack.processes if p.program == "rq" and "worker" in p.words)
    ok = False
    try:
        began = time.monotonic()
        stack.start_servers()
        stack.release()
        seeded = seed.seed(stack.env)
        # The app set up logging at INFO; the SMTP server's would drown the figures.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        stack.start_processes()
        stack.wait_until_serving(workers)
        ready = round(time.monotonic() - began, 1)
        load_before = os.getloadavg()

        shared = traffic.Shared(seeded)
        started = time.monotonic()
        injector = fault_injection.Faults(stack, seconds, started, enabled=faults_on)
        scans = fault_injection.ScanPressure(stack.redis.url, started + seconds)
        meter = cpu.Meter(stack)
        meter.start()
        injector.start()
        scans.start()
        clients_running = traffic.run(stack.web_url, shared, clients, seconds)
        for client in clients_running:
            client.join()
        elapsed = time.monotonic() - started
        injector.join()
        scans.join()
        load_after = os.getloadavg()
        cpu_seconds = meter.stop()

        answers = sum(1 for sample in shared.samples if answered(sample))
        emit(
            {
                "case": "loadtest",
                "clients": clients,
                "seconds": round(elapsed, 1),
                "faults": faults_on,
                "requests": len(shared.samples),
                "failed": len(shared.samples) - answers,
                "rps": round(answers / elapsed, 1),
                "stack_ready_s": ready,
                "scans_asked": scans.asked,
                "loadavg_before": [round(x, 2) for x in load_before],
                "loadavg_after": [round(x, 2) for x in load_after],
                "cores": os.cpu_count(),
                # CPU seconds each part used during the load (the rest went to other work).
                "cpu_s": cpu_seconds,
                "cpu_ms_per_request": cpu_per_request(cpu_seconds, answers),
                "run_dir": str(run_dir),
            }
        )
        for line in figures(shared.samples, elapsed):
            emit(line)
        for fault in injector.done:
            emit(
                {
                    "case": "loadtest_fault",
                    "fault": fault.name,
                    "at_s": round(fault.started - started, 1),
                    "lasted_s": round(fault.ended - fault.started, 1),
                    **fault.detail,
                }
            )
        drained = verdict.drain(stack, drain_seconds)
        emit({"case": "loadtest_drain", **drained})
        judged = verdict.judge(
            stack, shared, injector.done, injector.errors, len(injector.plan), drained
        )
        ok = judged["ok"]
        emit({"case": "loadtest_verdict", **judged})
    finally:
        stack.stop()
        if ok and os.environ.get("LOADTEST_KEEP") != "1":
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            print(f"loadtest: logs of every process are in {run_dir}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
