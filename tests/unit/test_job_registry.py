"""Every job is declared once, resolves to its one entry point, and is what `rq cron` runs."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

import pytest

from collab.platform import jobs
from collab.platform.config import ROOT

JOB_NAME = re.compile(r"workers\.[a-z_]+\.[a-z_]+")
ENTRY_MODULES = ("workers/jobs.py", "workers/kpi_jobs.py", "workers/integration_jobs.py")
NOT_JOBS = {"app_context"}  # helpers of the entry points, never enqueued

# Run in a fresh process as a worker would: RQ's own import of each name, and the schedule
# `rq cron workers/cron.py` loads, read back from RQ's scheduler.
_RESOLVE = """
import json, sys
from redis import Redis
from rq.cron import CronScheduler
from rq.utils import import_attribute

found = {}
for name in json.loads(sys.argv[1]):
    function = import_attribute(name)
    found[name] = callable(function) and f"{function.__module__}.{function.__name__}"
scheduler = CronScheduler(connection=Redis())
scheduler.load_config_from_file("workers/cron.py")
schedule = sorted(
    [job.func_name, job.queue_name, job.interval, job.cron, job.job_options.get("job_timeout")]
    for job in scheduler.get_jobs()
)
print(json.dumps({"found": found, "schedule": schedule}))
"""


def _in_a_worker_process(tmp_path) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COLLAB_INSTANCE": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", _RESOLVE, json.dumps(sorted(jobs.JOBS))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_declared_job_resolves_and_cron_runs_exactly_the_periodic_ones(tmp_path):
    seen = _in_a_worker_process(tmp_path)
    # Each name is the function's own module and name, not an alias imported elsewhere.
    assert seen["found"] == {name: name for name in jobs.JOBS}
    assert seen["schedule"] == sorted(
        [job.name, job.queue, job.every, job.cron, job.timeout] for job in jobs.periodic()
    )


def _python_files(*folders: str):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_every_job_name_in_the_code_is_declared():
    undeclared = []
    for path in _python_files("collab", "workers", "tests", "bench"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for name in JOB_NAME.findall(node.value):
                    if name not in jobs.JOBS:
                        undeclared.append(f"{path.relative_to(ROOT)}: {name}")
    assert undeclared == []


def _entry_points() -> dict[str, ast.FunctionDef]:
    found = {}
    for relative in ENTRY_MODULES:
        module = relative.removesuffix(".py").replace("/", ".")
        tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name not in NOT_JOBS:
                found[f"{module}.{node.name}"] = node
    return found


def test_every_entry_point_is_a_declared_job():
    assert sorted(_entry_points()) == sorted(jobs.JOBS)


def _collab_calls(function: ast.FunctionDef) -> set[str]:
    """The collab functions an entry point calls, by their dotted names."""
    imported: dict[str, str] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("collab"):
            for alias in node.names:
                imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    called = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        target = node.func
        if isinstance(target, ast.Name) and target.id in imported:
            called.add(imported[target.id])
        elif (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id in imported
        ):
            called.add(f"{imported[target.value.id]}.{target.attr}")
    return called


def test_no_two_entry_points_do_the_same_work():
    callers = defaultdict(list)
    for name, function in _entry_points().items():
        for called in _collab_calls(function):
            callers[called].append(name)
    # Progress reporting is a helper every long job may use, not the job's work.
    shared = {
        called: names
        for called, names in callers.items()
        if len(names) > 1 and called != "collab.platform.queue.progress_reporter"
    }
    assert shared == {}


def test_the_call_finder_sees_a_duplicate():
    source = """
def one(task_id):
    from collab.impacts import job as impacts
    return impacts.measure_task(task_id)

def two(task_id):
    from collab.impacts.job import measure_task
    return measure_task(task_id)
"""
    first, second = ast.parse(source).body
    assert _collab_calls(first) == _collab_calls(second) == {"collab.impacts.job.measure_task"}


def test_an_undeclared_name_is_refused():
    with pytest.raises(jobs.UnknownJob, match="collab/platform/jobs.py"):
        jobs.job("workers.jobs." + "measure_everything")  # spelt apart: the walk above reads
