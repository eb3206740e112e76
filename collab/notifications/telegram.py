"""Linking a person's Telegram chat: a one-time code made on the profile, sent to the bot as
``/start CODE``; what the person wants sent there; unlinking from the profile or with
``/stop``. Updates from the bot (its webhook or a poll) arrive here as Telegram sends them;
every answer to the chat goes through the outbox like any other message."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from flask_babel import gettext
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from collab.models import User
from collab.models.telegram import TelegramCode, TelegramLink, TelegramMessage, TelegramUpdate
from collab.notifications import telegram_texts as texts
from collab.notifications.telegram_outbox import ALERT_LEVELS, PENDING, queue_message
from collab.platform.clock import utcnow
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.platform.i18n import speaking

CODE_MINUTES = 15
# No 0/O or 1/I: a code is read off a screen and typed into a phone.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 50 bits: guessing one within its minutes is out of reach


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_code(user: User, now: datetime | None = None) -> str:
    """A fresh code for ``user`` (any earlier one stops working); shown once, stored hashed."""
    now = now or utcnow()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    db.session.execute(delete(TelegramCode).where(TelegramCode.user_id == user.id))
    db.session.add(
        TelegramCode(
            user_id=user.id, code_hash=_hash(code), expires_at=now + timedelta(minutes=CODE_MINUTES)
        )
    )
    db.session.flush()
    return code


def link_of(user: User) -> TelegramLink | None:
    return db.session.scalar(select(TelegramLink).where(TelegramLink.user_id == user.id))


def set_preferences(
    user: User, *, assignments: bool, mentions: bool, alert_levels: Iterable[str], digests: bool
) -> TelegramLink:
    chosen = link_of(user)
    if chosen is None:
        raise ValidationFailed(
            gettext("link Telegram first"),
            {"telegram": gettext("no chat is linked: link your Telegram chat first")},
        )
    levels = set(alert_levels)
    if not levels <= set(ALERT_LEVELS):
        raise ValidationFailed(
            gettext("unknown alert level"), {"alert_levels": gettext("choose among 0 to 3")}
        )
    chosen.assignments = bool(assignments)
    chosen.mentions = bool(mentions)
    chosen.alert_levels = "".join(sorted(levels))
    chosen.digests = bool(digests)
    db.session.flush()
    return chosen


def unlink(user: User) -> bool:
    """Nothing more goes to the person's chat, and what still waits is not sent."""
    chosen = link_of(user)
    if chosen is None:
        return False
    _forget(chosen)
    return True


def _forget(chosen: TelegramLink) -> None:
    db.session.execute(
        delete(TelegramMessage).where(
            TelegramMessage.user_id == chosen.user_id,
            TelegramMessage.chat_id == chosen.chat_id,
            *PENDING,
        )
    )
    db.session.delete(chosen)
    db.session.flush()


@dataclass(frozen=True)
class Command:
    name: str  # "start", "stop", or "" for anything else
    argument: str


def command_of(text: str) -> Command:
    """``/start CODE`` (also ``/start@SomeBot CODE``, as groups send it) to ("start", CODE)."""
    words = text.strip().split(maxsplit=1)
    if not words or not words[0].startswith("/"):
        return Command("", "")
    name = words[0][1:].split("@", 1)[0].lower()
    return Command(name if name in ("start", "stop") else "", words[1].strip() if words[1:] else "")


def receive(update: object, now: datetime | None = None) -> str:
    """Handles one update from Telegram; answers what happened ("linked", "wrong code",
    ...) for the log. Anything that is not a text message in a chat is ignored. Answers
    speak the linked person's language, else the one the sender's Telegram uses."""
    now = now or utcnow()
    if not isinstance(update, dict):
        return "ignored"
    if not _first_time(update.get("update_id"), now):
        return "repeat"
    message = update.get("message")
    if not isinstance(message, dict):
        return "ignored"
    chat = message.get("chat")
    text = message.get("text")
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    if not isinstance(chat_id, int) or isinstance(chat_id, bool) or not isinstance(text, str):
        return "ignored"
    if abs(chat_id) >= 2**63:
        return "ignored"
    sender = message.get("from")
    language = sender.get("language_code") if isinstance(sender, dict) else None
    command = command_of(text)
    if command.name == "start" and command.argument:
        return _start(chat_id, command.argument, now, language)
    linked = list(db.session.scalars(select(TelegramLink).where(TelegramLink.chat_id == chat_id)))
    if linked:
        language = db.session.get(User, linked[0].user_id).language or language
    if command.name == "stop":
        for chosen in linked:
            _forget(chosen)
        _answer(chat_id, texts.stopped, language, now)
        return "unlinked" if linked else "not linked"
    if linked:
        return "ignored"  # a linked chat's chatter is not ours to answer
    _answer(chat_id, texts.how_to_link, language, now)
    return "told how to link"


def _answer(chat_id: int, compose, language: object, now: datetime, user=None) -> None:
    with speaking(language if isinstance(language, str) else None):
        queue_message(chat_id, compose(), user=user, now=now)


def _first_time(update_id: object, now: datetime) -> bool:
    """Records the update as handled, in the caller's transaction; False when it already
    was (Telegram's retry of a webhook call, two polls racing)."""
    if not isinstance(update_id, int) or isinstance(update_id, bool) or abs(update_id) >= 2**63:
        return True  # nothing to recognise it by
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    added = db.session.execute(
        insert(TelegramUpdate)
        .values(update_id=update_id, received_at=now)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(TelegramUpdate.id)
    ).all()
    return bool(added)


def _start(chat_id: int, code: str, now: datetime, language: object) -> str:
    found = db.session.scalar(select(TelegramCode).where(TelegramCode.code_hash == _hash(code)))
    # Single use: of two /start racing with one code, only the delete that removes it links.
    won = found is not None and (
        db.session.execute(delete(TelegramCode).where(TelegramCode.id == found.id)).rowcount == 1
    )
    user = db.session.get(User, found.user_id) if won else None
    if user is None or not user.active:
        _answer(chat_id, texts.code_wrong, language, now)
        return "wrong code"
    if found.expires_at <= now:
        _answer(chat_id, partial(texts.code_expired, CODE_MINUTES), user.language or language, now)
        return "expired code"
    chosen = link_of(user)
    if chosen is None:
        chosen = TelegramLink(user_id=user.id, chat_id=chat_id, linked_at=now)
        db.session.add(chosen)
    chosen.chat_id = chat_id  # a relink moves the notices to this chat, choices kept
    chosen.linked_at = now
    db.session.flush()
    _answer(chat_id, partial(texts.linked, user.display_name), user.language or language, now, user)
    return "linked"
