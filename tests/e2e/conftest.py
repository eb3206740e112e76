"""A real server in a thread, over a SQLite file, for the browser to talk to."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from collab import create_app
from collab.extensions import db
from tests.conftest import test_config


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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()
