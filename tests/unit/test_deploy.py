"""deploy/: one process list, and the units, settings and restart policy made from it."""

from __future__ import annotations

import gc
import os
import runpy
import shutil
import subprocess
import sys

import pytest

from bench.loadtest.supervisor import restart_delay
from collab.platform.config import ROOT, engine_options, from_environment
from deploy import processes, systemd


def _example_variables() -> set[str]:
    text = (ROOT / "deploy" / "collab.env.example").read_text()
    return {
        line.lstrip("#").split("=", 1)[0]
        for line in text.splitlines()
        if "=" in line and not line.startswith("# ")
    }


def test_the_committed_units_are_what_the_process_list_makes():
    committed = {p.name: p.read_text() for p in (ROOT / "deploy" / "systemd").iterdir()}
    assert committed == systemd.render(), "run `python -m deploy.systemd` and commit the result"


def test_what_runs_in_production():
    found = processes.by_name()
    assert [p.name for p in processes.load() if p.once] == ["release"]
    web = found["web"]
    assert web.words == ("gunicorn", "--config", "gunicorn.conf.py", "wsgi:app")
    worker = found["worker"]
    # Retries happen only with RQ's scheduler; the app is built before RQ forks.
    assert worker.words[:2] == ("rq", "worker") and "--with-scheduler" in worker.words
    assert worker.words[worker.words.index("--config") + 1] == "workers.settings"
    assert "--name" not in worker.words  # a restarted worker would be refused its old name
    assert worker.count >= 2
    assert found["cron"].words[:2] == ("rq", "cron") and found["cron"].count == 1


def test_every_variable_a_command_needs_is_in_the_environment_example():
    needed = set().union(*(p.variables() for p in processes.load()))
    assert needed <= _example_variables()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "COLLAB_ENV"} <= _example_variables()


def test_a_command_is_run_from_the_checkouts_virtualenv_with_its_variables():
    worker = processes.by_name()["worker"]
    argv = worker.argv({"REDIS_URL": "redis://r:6379/1"}, "/srv/collab/.venv/bin")
    assert argv[0] == "/srv/collab/.venv/bin/rq"
    assert argv[argv.index("--url") + 1] == "redis://r:6379/1"
    with pytest.raises(KeyError):
        worker.argv({}, "/bin")  # a missing variable is a broken deployment, not ""


def test_units_restart_on_failure_with_back_off_and_never_give_up():
    units = systemd.render()
    for name in ("collab-web.service", "collab-worker@.service", "collab-cron.service"):
        text = units[name]
        assert "Restart=on-failure" in text and "StartLimitIntervalSec=0" in text
        assert "RestartSec=1" in text and "RestartMaxDelaySec=30" in text
        assert "KillMode=mixed" in text
        assert "After=network-online.target collab-release.service" in text
    assert "Type=oneshot" in units["collab-release.service"]
    assert "collab-worker@2.service" in units["collab.target"]
    # A worker's warm stop waits for its job: as long as the longest job may run.
    assert "TimeoutStopSec=3660" in units["collab-worker@.service"]


def test_the_load_test_restarts_as_the_units_do():
    delays = [restart_delay(n) for n in range(8)]
    assert delays[0] == systemd.RESTART_SEC
    assert delays == sorted(delays)
    assert delays[-1] == pytest.approx(systemd.RESTART_MAX_DELAY_SEC)


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    env_file = tmp_path / "environment"
    env_file.write_text("REDIS_URL=redis://127.0.0.1:6379/0\n")
    # Rendered for this checkout, so that every ExecStart names a program that exists.
    units = systemd.render(home=str(ROOT), user="root", env_file=str(env_file))
    for name, text in units.items():
        (tmp_path / name.replace("@.", "@1.")).write_text(text)
    for path in sorted(tmp_path.glob("collab*")):  # the units, not the environment file
        checked = subprocess.run(
            [analyze, "verify", "--man=no", str(path)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        # Older systemd (before 254) warns about RestartSteps and ignores it: not an error.
        assert checked.returncode == 0, (path.name, checked.stderr)


def test_gunicorn_runs_threads_with_a_pool_per_worker_and_drops_it_after_fork(monkeypatch):
    # Set, then removed: the test's end puts back what was there before, even the absence.
    monkeypatch.setenv("DATABASE_POOL_SIZE", "")
    monkeypatch.delenv("DATABASE_POOL_SIZE")
    monkeypatch.setenv("WEB_THREADS", "6")
    monkeypatch.setenv("BOARD_STREAMS", "10")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    # An open board's stream holds a thread of its own, beyond the request threads.
    assert settings["worker_class"] == "gthread" and settings["threads"] == 16
    assert settings["preload_app"] is True and callable(settings["post_fork"])
    assert settings["control_socket_disable"] is True
    assert os.environ["DATABASE_POOL_SIZE"] == "6"  # read by the app it then loads


def test_gunicorn_leaves_the_loaded_app_out_of_its_workers_garbage_collections():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        settings["pre_fork"](None, None)  # in the master, before each worker is forked
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


def test_postgresql_pools_are_sized_from_the_environment():
    config = from_environment(
        {"DATABASE_URL": "postgresql://u@db/collab", "DATABASE_POOL_SIZE": "4"}
    )
    assert engine_options(config)["pool_size"] == 4
    assert engine_options(from_environment({})) == {}  # SQLite keeps its defaults


def test_the_settings_module_of_the_workers_loads_every_job(tmp_path):
    # RQ imports it in the worker's main process; it must import cleanly on its own.
    script = "import sys, workers.settings; print([m for m in sys.modules if 'workers.' in m])"
    loaded = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLLAB_INSTANCE": str(tmp_path)},
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "'workers.jobs'" in loaded.stdout and "'workers.kpi_jobs'" in loaded.stdout
