"""Passwords: a minimum length and one hashing method, set by configuration."""

from __future__ import annotations

import functools

from flask import current_app
from flask_babel import gettext
from werkzeug.security import generate_password_hash

from collab.platform.errors import ValidationFailed

MIN_PASSWORD = 10


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(
            gettext("password too short"),
            {field: gettext("use at least %(count)s characters", count=MIN_PASSWORD)},
        )


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@functools.cache
def dummy_hash(method: str) -> str:
    return generate_password_hash("collab-timing-equaliser", method=method)
