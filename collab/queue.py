"""The only module that talks to Redis and RQ."""

from __future__ import annotations

from flask import current_app
from redis import Redis


def redis_connection(timeout: float = 1.0) -> Redis:
    # Short timeouts: a page must not hang because Redis is away.
    return Redis.from_url(
        current_app.config["REDIS_URL"], socket_connect_timeout=timeout, socket_timeout=timeout
    )


def redis_ok() -> bool:
    try:
        return bool(redis_connection(timeout=0.5).ping())
    except Exception:  # any failure means "down" to a health check
        return False
