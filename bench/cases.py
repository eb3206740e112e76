"""The bench cases. Each yields dicts: {"case", "n", "median_ms", ...}."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from sqlalchemy import select

from bench.data import add_tasks, org_with_people
from bench.harness import bench_app, count_statements, median_ms
from collab.accounts import organisations, people, tokens
from collab.models import Membership, Task, User
from collab.platform.extensions import db

BOARD_SIZES = (1_000, 10_000, 100_000)


def _signed_in(app, email: str) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        user = people.user_by_email(email)
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def board_render():
    """The CIO's board request at growing history: time and SQL statements."""
    for n in BOARD_SIZES:
        with bench_app() as app:
            org, _ = org_with_people()
            add_tasks(org, n)
            client = _signed_in(app, "cio@bench.example")

            def render(client=client):
                response = client.get("/orgs/bench/board")
                assert response.status_code == 200, response.status_code

            with count_statements() as counter:
                render()
            yield {
                "case": "board_render",
                "n": n,
                "median_ms": median_ms(render),
                "statements": counter["n"],
            }


def card_move():
    """Moving one card (htmx, as drag and drop does): statements must not grow with N."""
    for n in (1_000, 100_000):
        with bench_app() as app:
            org, _ = org_with_people()
            add_tasks(org, n)
            client = _signed_in(app, "cio@bench.example")
            token_page = client.get("/orgs/bench/board").text
            token = token_page.split('"X-CSRFToken": "')[1].split('"')[0]
            ids = db.session.scalars(
                select(Task.id).where(Task.status == "todo", Task.team == "it").limit(40)
            ).all()
            moves = iter(ids)

            def move(client=client, token=token, moves=moves):
                task = db.session.get(Task, next(moves))
                response = client.post(
                    f"/orgs/bench/tasks/{task.id}/move",
                    data={"status": "in_progress", "version": str(task.version)},
                    headers={"HX-Request": "true", "X-CSRFToken": token},
                )
                assert response.status_code == 200, response.status_code
                db.session.expire_all()

            with count_statements() as counter:
                move()
            yield {
                "case": "card_move",
                "n": n,
                "median_ms": median_ms(move, repeat=15),
                "statements": counter["n"],
            }


def api_me():
    """Token lookup + memberships: the fixed cost every API call pays, as users grow."""
    for n in (100, 10_000):
        with bench_app() as app:
            org = organisations.create_org("bench", "Bench")
            db.session.commit()
            users = [User(email=f"u{i}@bench.example", password_hash=None) for i in range(n)]
            db.session.add_all(users)
            db.session.flush()
            db.session.add_all(Membership(user=u, organization=org, role="it") for u in users)
            _, raw = tokens.issue_token(users[-1], "bench")
            db.session.commit()
            # The 20,000 seeded objects out of this session: the test client re-reads what the
            # caller holds after each request, and would time that instead of the request.
            db.session.expunge_all()
            client = app.test_client()
            headers = {"Authorization": f"Bearer {raw}"}

            def call(client=client, headers=headers):
                assert client.get("/api/v1/me", headers=headers).status_code == 200

            with count_statements() as counter:
                call()
            yield {
                "case": "api_me",
                "n": n,
                "median_ms": median_ms(call),
                "statements": counter["n"],
            }


def overdue_scan():
    """The scan and an immediate rescan, in a fresh worker-like process, with 10% late."""
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from bench.data import add_open_tasks
    from collab import create_app

    for n in SCAN_SIZES:
        with tempfile.TemporaryDirectory(prefix="collab-scan-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'scan.db'}"
            app = create_app(
                {
                    "SQLALCHEMY_DATABASE_URI": url,
                    "RATELIMIT_STORAGE_URI": "memory://",
                    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                }
            )
            with app.app_context():
                db.create_all()
                org, people = org_with_people()
                add_open_tasks(org, people["it"].user_id, n)
                db.engine.dispose()
            child = subprocess.run(
                [sys.executable, "-m", "bench.scan_child", url, str(n)],
                capture_output=True,
                text=True,
                check=True,
            )
            for line in child.stdout.splitlines():
                yield json.loads(line)


SCAN_SIZES = (10_000, 100_000, 1_000_000)
ALL = [board_render, card_move, overdue_scan, api_me]

# The API's mix of calls, in-process: bench/api_cases.py.
from bench.api_cases import api_mix, api_task_page  # noqa: E402

ALL += [api_mix, api_task_page]

# KPI and impact cases live in bench/kpi_cases.py.
from bench.kpi_cases import ALL as KPI_CASES  # noqa: E402

ALL += KPI_CASES

# Audit-file reading cases live in bench/audit_cases.py.
from bench.audit_cases import ALL as AUDIT_CASES  # noqa: E402

ALL += AUDIT_CASES

# Reading KPI files as the tools write them: bench/kpi_file_cases.py.
from bench.kpi_file_cases import ALL as KPI_FILE_CASES  # noqa: E402

ALL += KPI_FILE_CASES
