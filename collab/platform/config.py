"""Settings, read once from the environment when the app is created."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = Path(os.environ.get("COLLAB_INSTANCE", ROOT / "instance"))

# A key that is published in the repository protects nothing: production refuses it.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105


MIB = 1024 * 1024
DEFAULT_PORT = "5000"


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app."""


def is_production(env: dict[str, str]) -> bool:
    return "production" in (env.get("FLASK_ENV", ""), env.get("COLLAB_ENV", ""))


def from_environment(env: dict[str, str] | None = None) -> dict:
    env = dict(os.environ if env is None else env)
    production = is_production(env)
    secret = env.get("SECRET_KEY", "")
    if production and (not secret or secret == DEV_SECRET_KEY or len(secret) < 16):
        raise ConfigError(
            "SECRET_KEY must be set to a long random value when FLASK_ENV or COLLAB_ENV "
            "is 'production' (e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    database_url = env.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'collab.db'}"
    # Heroku-style URLs name the old driver; psycopg 3 is the one we ship.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    redis_url = env.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return {
        "PRODUCTION": production,
        "SECRET_KEY": secret or DEV_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "INSTANCE_PATH": str(INSTANCE),
        "MAIL_LOG": str(INSTANCE / "mail.log"),
        "MAIL_FROM": env.get("MAIL_FROM", "collab <collab@localhost>"),
        # SMTP when MAIL_SERVER is set; otherwise e-mail is written to MAIL_LOG.
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", 25)),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "") == "1",
        "MAIL_USE_SSL": env.get("MAIL_USE_SSL", "") == "1",
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_FROM", "collab <collab@localhost>"),
        "MAIL_DOMAIN": env.get("MAIL_DOMAIN", "collab.local"),
        # Whether to send is decided by MAIL_SERVER alone, in tests too (Flask-Mail would
        # otherwise stay silent whenever TESTING is on).
        "MAIL_SUPPRESS_SEND": False,
        **base_url(env),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # Bodies beyond these answer 413. Uploads (audits, KPI files) declare the larger one per
        # endpoint (collab.api.validation, collab.http.uploads); everything else the smaller.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", 16 * MIB)),
        "MAX_UPLOAD_LENGTH": int(env.get("MAX_UPLOAD_LENGTH", 100 * MIB)),
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "collab-limits"),
        # Password-reset requests per client address (Flask-Limiter).
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # Failed sign-ins allowed before a wait, per counter (collab/accounts/throttle.py);
        # past it the wait starts at LOGIN_FIRST_WAIT_SECONDS and doubles with each failure.
        "LOGIN_LIMIT_PER_ADDRESS_AND_ACCOUNT": int(
            env.get("LOGIN_LIMIT_PER_ADDRESS_AND_ACCOUNT", 10)
        ),
        "LOGIN_LIMIT_PER_ACCOUNT": int(env.get("LOGIN_LIMIT_PER_ACCOUNT", 20)),
        "LOGIN_LIMIT_PER_ADDRESS": int(env.get("LOGIN_LIMIT_PER_ADDRESS", 100)),
        "LOGIN_FIRST_WAIT_SECONDS": int(env.get("LOGIN_FIRST_WAIT_SECONDS", 60)),
        "LOGIN_MAX_WAIT_SECONDS": int(env.get("LOGIN_MAX_WAIT_SECONDS", 900)),
        "LOGIN_FAILURE_MEMORY_SECONDS": int(env.get("LOGIN_FAILURE_MEMORY_SECONDS", 900)),
        # How many proxies in front of the app set X-Forwarded-*: 0 trusts none of them
        # (a client could claim any address); 1 behind one TLS-terminating proxy.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", 0)),
        # Strict-Transport-Security, sent in production only (every response is HTTPS there).
        "HSTS_SECONDS": int(env.get("HSTS_SECONDS", 365 * 24 * 3600)),
        # scrypt is werkzeug's default: memory-hard, and needs no extra dependency.
        "PASSWORD_HASH_METHOD": env.get("PASSWORD_HASH_METHOD", "scrypt"),
        # Webhooks to loopback and private networks: allowed outside production (development,
        # tests), refused in production unless WEBHOOK_ALLOW_PRIVATE=1 (a self-hosted site
        # inside the same network); WEBHOOK_ALLOW_PRIVATE=0 refuses them everywhere.
        "WEBHOOK_ALLOW_PRIVATE": env.get("WEBHOOK_ALLOW_PRIVATE", "0" if production else "1")
        == "1",
        # Telegram: the bot's token (from @BotFather) turns it on; the Bot API's address is
        # a setting so tests (and a proxy) can stand in for it; the secret is what Telegram
        # sends back in X-Telegram-Bot-Api-Secret-Token when it calls /telegram/updates.
        "TELEGRAM_BOT_TOKEN": env.get("TELEGRAM_BOT_TOKEN") or None,
        "TELEGRAM_API_BASE": env.get("TELEGRAM_API_BASE") or "https://api.telegram.org",
        "TELEGRAM_WEBHOOK_SECRET": env.get("TELEGRAM_WEBHOOK_SECRET") or None,
        # The bot's user name, for a one-tap t.me link on the profile (optional).
        "TELEGRAM_BOT_NAME": env.get("TELEGRAM_BOT_NAME") or None,
        "INVITATION_HOURS": 72,
        "PASSWORD_RESET_MINUTES": 60,
        # Each process keeps its own pool (gunicorn.conf.py sizes it to a web worker's
        # threads); a thread that finds every connection taken waits DATABASE_POOL_TIMEOUT
        # seconds, then the request fails instead of hanging.
        "DATABASE_POOL_SIZE": int(env.get("DATABASE_POOL_SIZE", 5)),
        "DATABASE_MAX_OVERFLOW": int(env.get("DATABASE_MAX_OVERFLOW", 5)),
        "DATABASE_POOL_TIMEOUT": int(env.get("DATABASE_POOL_TIMEOUT", 10)),
        # A pooled connection idle this long is tested before use (collab.platform.connections).
        "DATABASE_PING_AFTER_IDLE": float(env.get("DATABASE_PING_AFTER_IDLE", 1)),
        # The live board (collab/web/live.py): at most BOARD_STREAMS open streams a web
        # process (each holds one of its threads, none of its database connections; the
        # boards beyond poll), each ending after BOARD_STREAM_SECONDS for the browser to
        # reconnect, with a heartbeat every BOARD_STREAM_BEAT seconds meanwhile.
        "BOARD_STREAMS": int(env.get("BOARD_STREAMS", 16)),
        "BOARD_STREAM_SECONDS": float(env.get("BOARD_STREAM_SECONDS", 300)),
        "BOARD_STREAM_BEAT": float(env.get("BOARD_STREAM_BEAT", 15)),
        # How often a board without a stream (no EventSource, or refused) looks again.
        "BOARD_POLL_SECONDS": float(env.get("BOARD_POLL_SECONDS", 15)),
    }


def engine_options(config: dict) -> dict:
    """SQLAlchemy engine options for the configured database (SQLite keeps the defaults)."""
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return {}
    return {
        "pool_size": config["DATABASE_POOL_SIZE"],
        "max_overflow": config["DATABASE_MAX_OVERFLOW"],
        "pool_timeout": config["DATABASE_POOL_TIMEOUT"],
        # Connections are tested after an idle spell instead, in create_app
        # (collab.platform.connections): a round trip less per request under load.
        "pool_pre_ping": False,
        # Closes connections older than this, before a proxy or firewall drops them unsaid.
        "pool_recycle": 1800,
    }


def base_url(env: dict[str, str]) -> dict:
    """Where people open collab, for links written outside a request (e-mail, jobs).

    BASE_URL when set; otherwise the address `make run` serves, from the same PORT (default
    5000), so the web app, its workers and `flask jobs run` agree. Behind a proxy only BASE_URL
    can be right: BASE_URL_FROM says which rule gave the address, so `jobs run` can warn."""
    explicit = (env.get("BASE_URL") or "").strip().rstrip("/")
    if explicit:
        return {"BASE_URL": explicit, "BASE_URL_FROM": "BASE_URL"}
    port = (env.get("PORT") or "").strip()
    return {
        "BASE_URL": f"http://127.0.0.1:{port or DEFAULT_PORT}",
        "BASE_URL_FROM": "PORT" if port else "default",
    }
