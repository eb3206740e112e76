"""A real server in a thread, over a SQLite file, for the browser to talk to."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from collab import create_app
from collab.platform.extensions import db
from tests.conftest import test_config

# How long an expectation waits before it fails: a passing check returns as soon as the page
# agrees, so this only spares a loaded machine (two cores running the suite) false failures.
expect.set_options(timeout=15_000)


@dataclass
class LiveServer:
    app: object
    url: str


@pytest.fixture
def live_server(redis_server, tmp_path):
    redis_server.flush()
    app = create_app(test_config(f"sqlite:///{tmp_path / 'e2e.db'}", redis_server.url, tmp_path))
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


def sign_in(page, base: str, email: str, password: str | None = None) -> None:
    from playwright.sync_api import expect

    from tests.support.factories import PASSWORD

    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page) -> None:
    import re

    from playwright.sync_api import expect

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
