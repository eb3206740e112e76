"""The bench cases. Each yields dicts: {"case", "n", "median_ms", ...}."""

from __future__ import annotations

from bench.harness import bench_app, count_statements, median_ms
from collab import accounts
from collab.extensions import db
from collab.models import Membership, User


def api_me():
    """Token lookup + memberships: the fixed cost every API call pays, as users grow."""
    for n in (100, 10_000):
        with bench_app() as app:
            org = accounts.create_org("bench", "Bench")
            db.session.commit()
            users = [User(email=f"u{i}@bench.example", password_hash=None) for i in range(n)]
            db.session.add_all(users)
            db.session.flush()
            db.session.add_all(Membership(user=u, organization=org, role="it") for u in users)
            _, raw = accounts.issue_token(users[-1], "bench")
            db.session.commit()
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


ALL = [api_me]
