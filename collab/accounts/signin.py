"""Signing in: password hashing and checks, sessions, password resets."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash

from collab.accounts.passwords import check_password_strength, dummy_hash, hash_password
from collab.accounts.people import user_by_email
from collab.accounts.tokens import digest
from collab.models import (
    PasswordReset,
    User,
)
from collab.notifications.outbox import queue_email
from collab.platform.clock import utcnow
from collab.platform.errors import NotFound
from collab.platform.extensions import db


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None without saying which part was wrong."""
    user = user_by_email(email or "")
    if user is None or not user.password_hash:
        # Hash anyway, so a miss costs as much time as a hit and reveals nothing.
        check_password_hash(dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.active:
        return None
    return user


def set_password(user: User, password: str) -> None:
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.session_epoch += 1  # other devices signed in with the old password are signed out
    db.session.flush()


def load_session_user(session_id: str) -> User | None:
    user_id, _, epoch = (session_id or "").partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


def request_password_reset(email: str, link_for) -> None:
    """Mails a single-use link if the address is known; says nothing either way."""
    user = user_by_email(email or "")
    if user is None or not user.active:
        return
    raw = secrets.token_urlsafe(32)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    db.session.add(
        PasswordReset(
            user=user, token_hash=digest(raw), expires_at=utcnow() + timedelta(minutes=minutes)
        )
    )
    db.session.flush()
    queue_email(
        user.email,
        "Reset your collab password",
        f"Someone asked to reset the password of {user.email}.\n\n"
        f"Choose a new one within {minutes} minutes: {link_for(raw)}\n\n"
        "If it was not you, ignore this message: your password stays as it is.\n",
    )


def open_password_reset(raw: str) -> PasswordReset:
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == digest(raw)))
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise NotFound("this reset link is invalid, used or expired")
    return reset


def reset_password(raw: str, password: str) -> User:
    reset = open_password_reset(raw)
    set_password(reset.user, password)
    reset.used_at = utcnow()
    db.session.flush()
    return reset.user
