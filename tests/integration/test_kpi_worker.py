"""A large CSV import and the impact measurement run in a real `rq worker` process."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from collab.models.kpis import KpiObservation, TaskImpact
from collab.platform.config import ROOT
from collab.platform.extensions import db
from collab.web.kpis import SYNC_IMPORT_ROWS
from tests.integration.test_kpi_support import TODAY, completed_task
from tests.support.factories import csrf_from, login, make_org, make_user


def _run_worker(app, redis_server, tmp_path) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_server.url,
        "COLLAB_INSTANCE": str(tmp_path / "worker-instance"),
    }
    rq = Path(sys.executable).parent / "rq"
    done = subprocess.run(
        [str(rq), "worker", "--burst", "--url", redis_server.url, "--path", str(ROOT), "default"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_large_import_and_measurement_in_a_real_worker(app, redis_server, tmp_path):
    org = make_org("acme")
    director = make_user(org, "cmo")
    task = completed_task(org, director, "landing_copy", TODAY - dt.timedelta(days=40))
    client = app.test_client()
    login(client, director.email)

    days = 1_300
    lines = ["date,metric,value,channel"]
    for offset in range(days):
        day = (TODAY - dt.timedelta(days=offset)).isoformat()
        for channel in ("organic", "email"):
            lines.append(f"{day},leads,{10 + offset % 7},{channel}")
            lines.append(f"{day},conversion_rate,{2 + (offset % 5) / 10},{channel}")
    rows = len(lines) - 1
    assert rows > SYNC_IMPORT_ROWS
    page = client.get("/orgs/acme/kpis/import")
    preview = client.post(
        "/orgs/acme/kpis/import",
        data={
            "csrf_token": csrf_from(page.text),
            "file": (io.BytesIO("\n".join(lines).encode()), "big.csv"),
        },
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200 and "in the background" in preview.text
    token = preview.text.split('name="token" value="')[1].split('"')[0]
    queued = client.post(
        "/orgs/acme/kpis/import/confirm",
        data={"csrf_token": csrf_from(preview.text), "token": token},
    )
    assert queued.status_code == 302
    progress_url = queued.headers["Location"]
    waiting = client.get(progress_url)
    assert "Waiting for a worker" in waiting.text
    assert 'hx-trigger="every 1s"' in waiting.text
    assert db.session.scalar(select(func.count()).select_from(KpiObservation)) == 0

    measuring = client.post("/orgs/acme/kpis/measure", data={"csrf_token": csrf_from(waiting.text)})
    assert measuring.status_code == 302
    db.session.commit()  # the worker is another process: it sees only committed data

    log = _run_worker(app, redis_server, tmp_path)
    assert "Job OK" in log or "Successfully completed" in log

    fragment = client.get(progress_url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert f"{rows} new, 0 updated, 0 unchanged" in fragment.text
    assert "hx-trigger" not in fragment.text  # finished: the polling stops
    assert db.session.scalar(select(func.count()).select_from(KpiObservation)) == rows

    # The measure job ran after the import in the same burst: the landing-copy task has its
    # impacts (conversion rate and leads measured, cost per lead waiting: no cost data).
    statuses = dict(
        db.session.execute(
            select(TaskImpact.metric, TaskImpact.status).where(TaskImpact.task_id == task.id)
        ).all()
    )
    assert statuses == {
        "conversion_rate": "measured",
        "leads": "measured",
        "cost_per_lead": "waiting_for_data",
    }

    other = make_org("other")
    outsider = make_user(other, "cio")
    stranger = app.test_client()
    login(stranger, outsider.email)
    assert stranger.get(progress_url.replace("/acme/", "/other/")).status_code == 404
