"""The web process's own cost of an API call: the loadtest's mix (bench/loadtest/traffic.py)
replayed in-process over a test client, on SQLite, without HTTP, threads or other processes.
CPU is this process's, so the figure holds on a machine busy with other work."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from itertools import count

from bench.data import add_tasks, org_with_people
from bench.harness import bench_app, count_statements, median_ms
from bench.loadtest.traffic import CATEGORIES, MIX
from collab.accounts import tokens
from collab.platform.extensions import db

CALLS = 300


def api_mix():
    """CPU ms and SQL statements per call of the loadtest's mix, 1,000 tasks on the board."""
    with bench_app() as app:
        org, members = org_with_people()
        add_tasks(org, 1_000)
        raw = {role: tokens.issue_token(m.user, "bench")[1] for role, m in members.items()}
        db.session.commit()
        db.session.expunge_all()  # the caller's objects are no part of a request
        client = app.test_client()
        rng = random.Random(5)
        filed = count(1)
        ids = list(range(1, 201))  # tasks and recommendations of the seeded board

        def call(method: str, path: str, role: str, body: dict | None = None):
            response = client.open(
                f"/api/v1/orgs/bench/{path}",
                method=method,
                json=body,
                headers={"Authorization": f"Bearer {raw[role]}"},
            )
            assert response.status_code < 500, (path, response.status_code)
            return response.get_json()

        def file() -> None:
            n = next(filed)
            call(
                "POST",
                "recommendations",
                "agency",
                {
                    "title": f"Finding {n}: compress the images of page {n}",
                    "description": f"Found in crawl {n}.\nPages:\n- /page-{n}",
                    "category": rng.choice(CATEGORIES),
                    "priority": rng.choice(("urgent", "high", "medium", "low")),
                    "due_date": (date.today() + timedelta(days=rng.randint(-10, 30))).isoformat(),
                    "urls": [f"https://example.com/page-{n}"],
                },
            )

        def patch() -> None:
            task = call("GET", f"tasks/{rng.choice(ids)}", "cio")
            due = (date(2030, 1, 1) + timedelta(days=next(filed))).isoformat()
            call(
                "PATCH", f"tasks/{task['id']}", "cio", {"version": task["version"], "due_date": due}
            )

        operations = {
            "list": lambda: call("GET", f"tasks?limit={rng.choice((10, 50))}", "cmo"),
            "task": lambda: call("GET", f"tasks/{rng.choice(ids)}", "it"),
            "recommendation": lambda: call("GET", f"recommendations/{rng.choice(ids)}", "agency"),
            "patch": patch,
            "comment": lambda: call(
                "POST", f"tasks/{rng.choice(ids)}/comments", "agency", {"body": "Checked."}
            ),
            "file": file,
        }
        names = list(operations)  # the mix but the operator's queue page (1 in 100)
        chosen = rng.choices(names, [MIX[name] for name in names], k=CALLS)
        for name in chosen[:30]:  # warm: first reads of each kind, the notes' facts
            operations[name]()
        calls = 0
        with count_statements() as statements:
            started = time.process_time()
            for name in chosen:
                operations[name]()
                calls += 2 if name == "patch" else 1  # a PATCH reads the task first
            spent = time.process_time() - started
        yield {
            "case": "api_mix",
            "n": calls,
            "cpu_ms_per_call": round(spent * 1000 / calls, 2),
            "statements_per_call": round(statements["n"] / calls, 1),
        }


def api_task_page():
    """A page of 50 tasks with their training notes, through the API, at growing history:
    time and SQL statements (the notes' facts come from the organisation's cache, as in
    every request after the first)."""
    from bench.cases import BOARD_SIZES

    for n in BOARD_SIZES:
        with bench_app() as app:
            org, members = org_with_people()
            add_tasks(org, n)
            raw = tokens.issue_token(members["cmo"].user, "bench")[1]
            db.session.commit()
            db.session.expunge_all()
            client = app.test_client()
            headers = {"Authorization": f"Bearer {raw}"}

            def page(client=client, headers=headers):
                response = client.get("/api/v1/orgs/bench/tasks?limit=50", headers=headers)
                assert response.status_code == 200 and len(response.json["items"]) == 50

            page()  # the first reads the organisation's facts; the rest are what a page costs
            with count_statements() as counter:
                page()
            yield {
                "case": "api_task_page",
                "n": n,
                "median_ms": median_ms(page),
                "statements": counter["n"],
            }
