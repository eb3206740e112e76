"""A large CSV import and the impact measurement run in a real `rq worker` process; with the
job queue away, neither runs inside the request and neither is lost."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from collab.kpis.uploads import SYNC_IMPORT_ROWS, forget
from collab.models.kpis import KpiObservation, TaskImpact
from collab.platform.config import ROOT
from collab.platform.extensions import db
from collab.platform.queue import OutboxJob, relay_jobs
from tests.integration.test_kpi_support import TODAY, completed_task, daily_series, record_series
from tests.support.factories import csrf_from, login, make_org, make_user
from tests.support.servers import free_port


def _run_worker(app, redis_server, tmp_path) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_server.url,
        # The web app and the workers share the instance folder: kept uploads live there.
        "COLLAB_INSTANCE": app.config["INSTANCE_PATH"],
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


def _long_file() -> tuple[str, int]:
    days = 1_300
    lines = ["date,metric,value,channel"]
    for offset in range(days):
        day = (TODAY - dt.timedelta(days=offset)).isoformat()
        for channel in ("organic", "email"):
            lines.append(f"{day},leads,{10 + offset % 7},{channel}")
            lines.append(f"{day},conversion_rate,{2 + (offset % 5) / 10},{channel}")
    rows = len(lines) - 1
    assert rows > SYNC_IMPORT_ROWS
    return "\n".join(lines), rows


def _preview(client, text: str):
    page = client.get("/orgs/acme/kpis/import")
    preview = client.post(
        "/orgs/acme/kpis/import",
        data={
            "csrf_token": csrf_from(page.text),
            "file": (io.BytesIO(text.encode()), "big.csv"),
        },
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200 and "in the background" in preview.text
    return preview


def _observations() -> int:
    return db.session.scalar(select(func.count()).select_from(KpiObservation))


def test_large_import_and_measurement_in_a_real_worker(app, redis_server, tmp_path):
    org = make_org("acme")
    director = make_user(org, "cmo")
    task = completed_task(org, director, "landing_copy", TODAY - dt.timedelta(days=40))
    client = app.test_client()
    login(client, director.email)

    text, rows = _long_file()
    preview = _preview(client, text)
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


@pytest.mark.parametrize("backend", ["sqlite"])  # the worker's words, not the database
def test_a_refused_long_import_reads_in_the_uploaders_language(app, redis_server, tmp_path):
    org = make_org("acme")
    director = make_user(org, "cmo")
    client = app.test_client()
    login(client, director.email)
    preview = _preview(client, _long_file()[0])
    token = preview.text.split('name="token" value="')[1].split('"')[0]
    russian = {"Accept-Language": "ru"}
    queued = client.post(
        "/orgs/acme/kpis/import/confirm",
        data={"csrf_token": csrf_from(preview.text), "token": token},
        headers=russian,
    )
    assert queued.status_code == 302
    forget(org, token)  # the kept file went (a day passed) before a worker took the job

    _run_worker(app, redis_server, tmp_path)

    answer = client.get(queued.headers["Location"], headers={"HX-Request": "true", **russian})
    assert "Загруженный файл больше не хранится" in answer.text
    assert _observations() == 0


def test_with_the_queue_away_a_long_import_waits_and_starts_once_it_is_back(
    app, own_redis, tmp_path
):
    app.config["REDIS_URL"] = own_redis.url
    org = make_org("acme")
    client = app.test_client()
    login(client, make_user(org, "agency").email)
    text, rows = _long_file()
    preview = _preview(client, text)
    token = preview.text.split('name="token" value="')[1].split('"')[0]

    own_redis.stop()
    waiting = client.post(
        "/orgs/acme/kpis/import/confirm",
        data={"csrf_token": csrf_from(preview.text), "token": token},
    )
    assert waiting.status_code == 503 and waiting.headers["Retry-After"] == "60"
    assert "The import has not started" in waiting.text
    assert "Your checked file is kept for a day" in waiting.text
    assert _observations() == 0  # not imported inside the request

    own_redis.start()
    kept = waiting.text.split('name="token" value="')[1].split('"')[0]
    assert kept == token
    started = client.post(  # the waiting page's own button
        "/orgs/acme/kpis/import/confirm",
        data={"csrf_token": csrf_from(waiting.text), "token": kept},
    )
    assert started.status_code == 302
    progress_url = started.headers["Location"]
    assert "Waiting for a worker" in client.get(progress_url).text

    _run_worker(app, own_redis, tmp_path)
    done = client.get(progress_url, headers={"HX-Request": "true"})
    assert f"{rows} new, 0 updated, 0 unchanged" in done.text
    assert _observations() == rows


def test_with_the_queue_away_the_progress_page_says_so_and_keeps_asking(app):
    org = make_org("acme")
    client = app.test_client()
    login(client, make_user(org, "cmo").email)
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    url = f"/orgs/acme/kpis/import/jobs/{'ab' * 16}"
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200  # htmx swaps only successes: the fragment keeps polling
    assert "The progress cannot be read just now" in fragment.text
    assert 'hx-trigger="every 1s"' in fragment.text
    page = client.get(url)
    assert page.status_code == 503 and "The progress cannot be read just now" in page.text
    assert '<meta http-equiv="refresh" content="3">' in page.text  # and without JavaScript


def test_with_the_queue_away_measuring_waits_in_the_outbox_not_in_the_request(
    app, own_redis, tmp_path
):
    app.config["REDIS_URL"] = own_redis.url
    org = make_org("acme")
    director = make_user(org, "cio")
    first = TODAY - dt.timedelta(days=199)
    record_series(org, "lcp_ms", first, daily_series(200, 3000, step_on=150, step=-0.3))
    task = completed_task(org, director, "page_speed", first + dt.timedelta(days=150))
    client = app.test_client()
    login(client, director.email)
    page = client.get("/orgs/acme/kpis/")

    own_redis.stop()
    asked = client.post(
        "/orgs/acme/kpis/measure", data={"csrf_token": csrf_from(page.text)}, follow_redirects=True
    )
    assert asked.status_code == 200
    assert "the measurement will start as soon as they are back" in asked.text
    measured = select(func.count()).select_from(TaskImpact).where(TaskImpact.task_id == task.id)
    assert db.session.scalar(measured) == 0  # nothing ran inside the request
    waiting = db.session.scalars(
        select(OutboxJob.argument).where(
            OutboxJob.function == "workers.kpi_jobs.measure_org", OutboxJob.enqueued_at.is_(None)
        )
    ).all()
    assert str(org.id) in waiting

    own_redis.start()
    assert relay_jobs() >= 1
    _run_worker(app, own_redis, tmp_path)
    db.session.expire_all()
    assert db.session.scalar(measured) == 3  # load time measured; bounce, conversion wait
