"""API tokens: issued once, stored as SHA-256, revocable, last use recorded sparingly."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import bindparam, select

from collab.accounts import audit
from collab.models import (
    ApiToken,
    User,
)
from collab.platform.clock import utcnow
from collab.platform.errors import NotFound
from collab.platform.extensions import db

# Token last-use is written at most this often, so busy scripts do not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    raw = "collab_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip()[:100], token_hash=digest(raw), prefix=raw[:12])
    db.session.add(token)
    db.session.flush()
    audit.record_for_person("token.created", user, actor=user, detail=_label(token))
    return token, raw


def _label(token: ApiToken) -> str:
    return f"token {token.prefix}… {token.name}".strip()


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(
            gettext(
                "there is no API token #%(id)s of yours (it may be revoked already); "
                "reload the page",
                id=token_id,
            )
        )
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record_for_person("token.revoked", user, actor=user, detail=_label(token))
    db.session.flush()
    return token


# The token and its person, by the token's digest (``lookup_values``): every API call reads
# it first, and the caller may read what else it needs in the same statement (add columns,
# join). Built once: building a statement and its cache key costs more CPU than running it.
TOKEN_LOOKUP = (
    select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def lookup_values(raw: str) -> dict[str, str]:
    """TOKEN_LOOKUP's parameters for the raw token a caller sent."""
    return {"token_hash": digest(raw)}


def accepted(token: ApiToken | None, address: str | None = None) -> User | None:
    """The person a token found by TOKEN_LOOKUP signs in, or None (no such token, revoked,
    or its person deactivated); its last use is recorded sparingly."""
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        # Last use is written at most once a minute, the audit event once an hour.
        audit.token_used(token, address, now)
        db.session.commit()
    return token.user
