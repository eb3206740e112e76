"""collab: agency recommendations routed to IT and Marketing, followed up and measured."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from collab.http import converters, json_answers
from collab.platform.config import ROOT, engine_options, from_environment


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=False,
    )
    converters.install(app)  # before any route: ids that fit a column, no control characters
    json_answers.install(app)
    app.config.update(from_environment())
    if config:
        app.config.update(config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config))
    Path(app.config["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    from collab.http import uploads
    from collab.platform.extensions import csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        from collab.platform import connections

        with app.app_context():
            for engine in db.engines.values():
                connections.ping_when_idle(engine, app.config["DATABASE_PING_AFTER_IDLE"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    uploads.install(app)  # before CSRFProtect, which reads the form: uploads' larger limit
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    from collab.accounts import signin

    login_manager.user_loader(signin.load_session_user)

    from collab.http import access, errors, headers, locale

    locale.install(app)  # before anything renders: pages and errors speak the reader's language
    errors.install(app)
    headers.install(app)  # security headers on every response; ProxyFix per TRUSTED_PROXIES

    # Runs after CSRFProtect's own hook: a forged form is refused before anything else.
    app.before_request(access.enforce)

    from collab.api import bp as api_bp
    from collab.web import register as register_web

    register_web(app)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # bearer tokens, never cookies, authenticate the API

    # Webhooks hear of work's changes through its signals, whichever adapter made them.
    from collab.cli import register as register_cli
    from collab.integrations import announcing, slack  # noqa: F401

    register_cli(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # SQLite ignores foreign keys unless asked, and WAL lets readers work beside one writer;
    # search folds case with a function of ours (collab.platform.search).
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        from collab.platform.search import install_sqlite

        install_sqlite(dbapi_connection)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
