"""Is the app able to serve: database and Redis."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from collab.platform.extensions import db
from collab.platform.queue import redis_ok


def database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:  # refused, timed out, pool exhausted, ...: "down" to a health check
        db.session.rollback()
        return False


def check() -> dict[str, str]:
    return {
        "database": "ok" if database_ok() else "down",
        "redis": "ok" if redis_ok() else "down",
    }
