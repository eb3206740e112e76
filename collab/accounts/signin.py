"""Signing in: password checks, throttling, sessions, password resets.

A session (and the remember-me cookie) names the user and their session epoch; bumping
the epoch ends every session and remember token signed with the old one. Signing out,
a new password and the end of a person's last membership all bump it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from collab.accounts import audit, throttle
from collab.accounts.passwords import check_password_strength, dummy_hash, hash_password
from collab.accounts.people import end_sessions, user_by_email
from collab.accounts.tokens import digest
from collab.models import (
    PasswordReset,
    User,
)
from collab.notifications.outbox import queue_email
from collab.platform.clock import utcnow
from collab.platform.errors import NotFound, ValidationFailed
from collab.platform.extensions import db
from collab.platform.i18n import speaking


@dataclass(frozen=True)
class Attempt:
    """The outcome of one sign-in attempt."""

    user: User | None = None
    # Seconds to wait before trying again; the password was not even checked.
    retry_after: int = 0


def sign_in(email: str, password: str, address: str | None) -> Attempt:
    """Checks credentials unless this account or address must wait, counts failures, and
    writes the audit log. The caller commits (the failure's audit row too)."""
    email = (email or "").strip().lower()
    address = address or ""
    wait = throttle.wait_seconds(email, address)
    if wait:
        return Attempt(retry_after=wait)
    user = authenticate(email, password)
    if user is None:
        throttle.failed(email, address)
        known = user_by_email(email)
        if known is not None:
            audit.record_for_person("signin.failed", known, address=address)
        else:
            audit.record("signin.failed", None, email=email, address=address)
        return Attempt()
    throttle.succeeded(email, address)
    audit.record_for_person("signin.succeeded", user, actor=user, address=address)
    return Attempt(user=user)


def sign_out(user: User, address: str | None = None) -> None:
    """Ends every session and remember-me token of this person, on every device: a copied
    cookie replayed after signing out opens nothing."""
    end_sessions(user)
    audit.record_for_person("signout", user, actor=user, address=address)
    db.session.flush()


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
    """A new password ends every session and remember token, and every reset link still
    outstanding: an older link must not undo what the newer one (or the person) chose."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    end_sessions(user)
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


def change_password(user: User, current: str, new: str, address: str | None = None) -> None:
    """From the profile: the current password first, so an unattended session cannot; its
    guesses count against the same sign-in throttle."""
    wait = throttle.wait_seconds(user.email, address or "")
    if wait:
        raise ValidationFailed(
            gettext("too many wrong passwords"),
            {"current": gettext("too many wrong tries: wait %(count)s seconds", count=wait)},
        )
    if not user.password_hash or not check_password_hash(user.password_hash, current or ""):
        throttle.failed(user.email, address or "")
        raise ValidationFailed(
            gettext("wrong password"),
            {"current": gettext("that is not your password; type your current password")},
        )
    set_password(user, new)
    audit.record_for_person("password.changed", user, actor=user, address=address)


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
    with speaking(user.language):
        queue_email(
            user.email,
            gettext("Reset your collab password"),
            gettext(
                "Someone asked to reset the password of %(email)s.\n\n"
                "Choose a new one within %(minutes)s minutes: %(link)s\n\n"
                "If it was not you, ignore this message: your password stays as it is.\n",
                email=user.email,
                minutes=minutes,
                link=link_for(raw),
            ),
        )


def open_password_reset(raw: str) -> PasswordReset:
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == digest(raw)))
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise NotFound(
            gettext(
                "this reset link is invalid, used or expired; ask for a new one on the sign-in page"
            )
        )
    return reset


def reset_password(raw: str, password: str, address: str | None = None) -> User:
    reset = open_password_reset(raw)
    set_password(reset.user, password)  # marks this link used, and every other one
    audit.record_for_person("password.reset", reset.user, actor=reset.user, address=address)
    db.session.flush()
    return reset.user
