"""E-mail through the outbox: rows written with the change, sent by the relay, once each.

Requests and jobs only ever insert OutboxEmail rows in their own transaction, so nothing
is lost while Redis or the mail server is away; the relay job claims a row, sends it with
a Message-ID made from the row's id, and marks it sent."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TypeVar

from flask import current_app
from flask_babel import gettext
from sqlalchemy import Row, case, func, insert, literal, or_, select, update
from sqlalchemy.exc import OperationalError

from collab.models import Membership, Notification, Organization, OutboxEmail, User
from collab.models.accounts import DIRECTOR_ROLES
from collab.platform.clock import utcnow
from collab.platform.errors import NotFound
from collab.platform.extensions import db
from collab.platform.i18n import DEFAULT_LANGUAGE, LANGUAGES, speaking
from collab.platform.mail import Conversation, conversation, deliver, header_text

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)  # a claimed row whose sender died is tried again after this
# Rows claimed in one statement: a sender that dies leaves at most these waiting for their
# lease, and a relay run spends two statements an e-mail instead of four.
CLAIM_BATCH = 20
MAX_ATTEMPTS = 8
# How long a claimed row waits for the database to come back (a restart takes seconds).
RIDE_OUT_SECONDS = 60
T = TypeVar("T")


def message_id(row_id: int) -> str:
    return f"<collab-outbox-{row_id}@{current_app.config.get('MAIL_DOMAIN', socket.getfqdn())}>"


def queue_email(
    to: str, subject: str, body: str, org: Organization | None = None, user: User | None = None
) -> OutboxEmail:
    row = OutboxEmail(
        organization_id=org.id if org else None,
        user_id=user.id if user else None,
        to_address=to,
        subject=header_text(subject, 300),
        body=body,
    )
    db.session.add(row)
    db.session.flush()
    return row


def email_rows_for_notifications(condition) -> int:
    """One e-mail per notification whose person wants e-mail at once: a single statement.

    Notifications fan out in the transaction that made them, so no other can see them yet;
    within it a repeated fan-out adds none. A plain INSERT ... SELECT WHERE NOT EXISTS says
    that on both databases, and SQLAlchemy compiles it once a process (ON CONFLICT is
    compiled again on every call: a few ms for this statement, each change that notifies)."""
    opening, closing = _words_around(current_app.config["BASE_URL"].rstrip("/"))

    def in_their_language(words: dict[str, str]):
        return case(
            *((User.language == language, literal(said)) for language, said in words.items()),
            else_=literal(words[DEFAULT_LANGUAGE]),
        )

    body = (
        Notification.text
        + in_their_language(opening)
        + Organization.slug
        + in_their_language(closing)
    )
    rows = (
        select(
            Notification.organization_id,
            Notification.user_id,
            Notification.id,
            User.email,
            literal("collab: ") + func.substr(Notification.text, 1, 200),
            body,
            literal(utcnow()),
        )
        .join(User, User.id == Notification.user_id)
        .join(Organization, Organization.id == Notification.organization_id)
        .where(
            condition,
            User.email_mode == "immediate",
            User.active.is_(True),
            ~select(OutboxEmail.id).where(OutboxEmail.notification_id == Notification.id).exists(),
        )
    )
    statement = (
        insert(OutboxEmail)
        .from_select(
            [
                "organization_id",
                "user_id",
                "notification_id",
                "to_address",
                "subject",
                "body",
                "created_at",
            ],
            rows,
        )
        .returning(OutboxEmail.id)
    )
    return len(db.session.execute(statement).all())


@lru_cache(maxsize=8)
def _words_around(base: str) -> tuple[dict[str, str], dict[str, str]]:
    """What an e-mail says around its notification's text, by language (the notification's
    text is already in its person's language): the same for every e-mail a process sends."""
    opening, closing = {}, {}
    for language in LANGUAGES:
        with speaking(language):
            opening[language] = "\n\n" + gettext("Open it in collab:") + f" {base}/orgs/"
            closing[language] = "/notifications/\n\n" + gettext(
                "You get these at once; choose a daily digest on your profile."
            )
    return opening, closing


def _copies(org_id: int | None, user_id: int | None, known: dict) -> tuple[str, ...]:
    """Everything to or from the agency is copied to both directors. ``known``: what a relay
    run found already, by (organisation, person): its e-mails are mostly to the same few
    people, each asked two statements otherwise."""
    if org_id is None or user_id is None:
        return ()
    key = (org_id, user_id)
    if key not in known:
        known[key] = _copies_asked(org_id, user_id)
    return known[key]


def _copies_asked(org_id: int, user_id: int) -> tuple[str, ...]:
    role = db.session.scalar(
        select(Membership.role).where(
            Membership.organization_id == org_id, Membership.user_id == user_id
        )
    )
    if role != "agency":
        return ()
    return tuple(
        db.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organization_id == org_id,
                Membership.active.is_(True),
                Membership.role.in_(DIRECTOR_ROLES),
                User.active.is_(True),
            )
            .order_by(User.email)
        )
    )


def _claim(row_ids: Sequence[int], now: datetime) -> list[Row]:
    """Claims those of the rows no other sender holds, in one UPDATE that only one sender
    can win for each row, committed so every other sees the claims at once; answers the
    won rows as they are now (their attempt counted), in id order. Core statements, here
    and in ``_record``: the ORM's bulk UPDATE costs a third more, twice an e-mail."""
    won = (
        db.session.connection()
        .execute(
            update(OutboxEmail)
            .where(
                OutboxEmail.id.in_(row_ids),
                OutboxEmail.sent_at.is_(None),
                or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),
            )
            .values(claimed_until=now + LEASE, attempts=OutboxEmail.attempts + 1)
            .returning(*_CLAIMED_COLUMNS)
        )
        .all()
    )
    db.session.commit()
    return sorted(won, key=lambda row: row.id)


def relay(limit: int = 500, now: datetime | None = None) -> dict:
    """Sends pending e-mail. Safe to run in several workers at once: a row is claimed by
    one of them (an UPDATE that only one can win) before it is sent.

    Retries need nothing but this job running again (the row's lease is its back-off), so
    delivery does not depend on RQ's scheduler. After MAX_ATTEMPTS a row is marked failed:
    operators see it on /admin/ with its error and a retry button, and the directors of its
    organisation are told once, in collab only (an e-mail about failing e-mail could fail
    the same way)."""
    now = now or utcnow()
    pending = list(
        db.session.scalars(
            select(OutboxEmail.id)
            .where(
                OutboxEmail.sent_at.is_(None),
                OutboxEmail.failed_at.is_(None),
                OutboxEmail.attempts < MAX_ATTEMPTS,
                or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),
            )
            .order_by(OutboxEmail.id)
            .limit(limit)
        )
    )
    with conversation() as talk:
        sent, failed, gave_up = _send(pending, now, talk)
    gave_up += _abandoned(now)
    if gave_up:
        _tell_directors(gave_up)
        db.session.commit()
    counts = email_counts()
    return {
        "sent": sent,
        "failed": failed,  # attempts that failed in this run
        "gave_up": len(gave_up),  # rows that failed for good in this run
        "pending": counts["pending"],
        "failed_for_good": counts["failed"],  # every row waiting for an operator's retry
    }


def _send(pending: list[int], now: datetime, talk: Conversation) -> tuple[int, int, list]:
    sent = failed = 0
    gave_up: list = []
    copies: dict = {}  # this run's, by (organisation, person)
    started = time.monotonic()
    for start in range(0, len(pending), CLAIM_BATCH):
        elapsed = time.monotonic() - started
        if elapsed > LEASE.total_seconds() / 2:
            break  # the rest is the next run's, claimed with a lease of its own
        batch = _claim(pending[start : start + CLAIM_BATCH], now + timedelta(seconds=elapsed))
        for index, row in enumerate(batch):
            try:
                went, final = _send_one(row, now, talk, copies)
            except OperationalError:
                # The database stayed away past the ride-out. The rows after this one were
                # never tried: they go back with their attempt uncounted, if it is back.
                _give_back([later.id for later in batch[index + 1 :]])
                raise
            sent, failed = sent + went, failed + (not went)
            if final is not None:
                gave_up.append(final)
    return sent, failed, gave_up


def _send_one(claimed: Row, now: datetime, talk: Conversation, copies: dict) -> tuple:
    """Sends a claimed row: (whether it went, the row when it failed for good)."""
    # The row is ours until its lease ends. What it still needs from the database rides
    # out a restart of it: a message that went out is marked sent (else it would go
    # again when the lease ends), and one that did not waits seconds, not the lease.
    cc = tuple(c for c in claimed.cc.split(",") if c) or _riding_out(
        _copies, claimed.organization_id, claimed.user_id, copies
    )
    row = _Claimed(*claimed[:-1], cc)
    try:
        deliver(row.to_address, row.subject, row.body, message_id(row.id), row.cc, talk)
    except Exception as exc:  # the row stays pending; the lease lets a later run retry
        log.warning("mail outbox %s to %s failed: %s", row.id, row.to_address, exc)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        final = row.attempts >= MAX_ATTEMPTS
        _riding_out(
            _record,
            row.id,
            last_error=error,
            claimed_until=now + timedelta(seconds=30 * row.attempts),
            failed_at=utcnow() if final else None,
        )
        return False, row if final else None
    _riding_out(_record, row.id, sent_at=utcnow())
    return True, None


def _give_back(row_ids: list[int]) -> None:
    if not row_ids:
        return
    try:
        db.session.connection().execute(
            update(OutboxEmail)
            .where(OutboxEmail.id.in_(row_ids), OutboxEmail.sent_at.is_(None))
            .values(claimed_until=None, attempts=OutboxEmail.attempts - 1)
        )
        db.session.commit()
    except OperationalError as exc:  # still away: the lease frees them
        db.session.rollback()
        log.warning("mail outbox: %s claimed rows wait for their lease (%s)", len(row_ids), exc)


@dataclass(frozen=True)
class _Claimed:
    """A claimed row as its claim answered it: plain values survive the rollback that a lost
    connection forces, where an ORM object would have to be read again."""

    id: int
    organization_id: int | None
    user_id: int | None
    to_address: str
    subject: str
    body: str
    attempts: int
    cc: tuple[str, ...]


_CLAIMED_COLUMNS = (
    OutboxEmail.id,
    OutboxEmail.organization_id,
    OutboxEmail.user_id,
    OutboxEmail.to_address,
    OutboxEmail.subject,
    OutboxEmail.body,
    OutboxEmail.attempts,
    OutboxEmail.cc,
)


def _record(row_id: int, **values) -> None:
    statement = update(OutboxEmail).where(OutboxEmail.id == row_id).values(**values)
    db.session.connection().execute(statement)
    db.session.commit()


def _riding_out(work: Callable[..., T], *args, **kwargs) -> T:
    """``work(*args, **kwargs)`` (reads, or writes it commits), done again after a lost
    database connection until RIDE_OUT_SECONDS have passed; then the error stands, and the
    lease takes over."""
    deadline = time.monotonic() + RIDE_OUT_SECONDS
    pause = 0.5
    while True:
        try:
            return work(*args, **kwargs)
        except OperationalError as exc:  # refused, reset, "terminating connection", ...
            db.session.rollback()
            if time.monotonic() + pause > deadline:
                raise
            log.warning("mail outbox: the database is away (%s); again in %.1fs", exc, pause)
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def _abandoned(now: datetime) -> list[OutboxEmail]:
    """Rows whose last attempt never finished (the sender died holding the lease)."""
    rows = list(
        db.session.scalars(
            select(OutboxEmail).where(
                OutboxEmail.sent_at.is_(None),
                OutboxEmail.failed_at.is_(None),
                OutboxEmail.attempts >= MAX_ATTEMPTS,
                OutboxEmail.claimed_until < now,
            )
        )
    )
    for row in rows:
        row.failed_at = utcnow()
        row.last_error = row.last_error or "the last attempt did not finish"
    return rows


def _tell_directors(rows: list[OutboxEmail]) -> None:
    """One in-app notification per director per organisation, whatever the number of rows."""
    by_org: dict[int, list[OutboxEmail]] = {}
    for row in rows:
        if row.organization_id is not None:
            by_org.setdefault(row.organization_id, []).append(row)
    for org_id, failed in by_org.items():
        first = failed[0]
        text = (
            f"collab could not deliver an e-mail to {first.to_address} "
            f"(“{header_text(first.subject, 120)}”) after {MAX_ATTEMPTS} attempts"
        )
        if len(failed) > 1:
            text += f", nor {len(failed) - 1} more"
        text += ". The platform operators see the error and can send it again."
        directors = db.session.scalars(
            select(User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organization_id == org_id,
                Membership.active.is_(True),
                Membership.role.in_(DIRECTOR_ROLES),
                User.active.is_(True),
            )
        )
        db.session.add_all(
            Notification(user_id=user_id, organization_id=org_id, kind="email_failed", text=text)
            for user_id in directors
        )


def email_counts() -> dict[str, int]:
    """What operators watch: e-mail still to send, and e-mail that gave up."""
    pending, failed = db.session.execute(
        select(
            func.count().filter(OutboxEmail.failed_at.is_(None)),
            func.count().filter(OutboxEmail.failed_at.is_not(None)),
        ).where(OutboxEmail.sent_at.is_(None))
    ).one()
    return {"pending": pending, "failed": failed}


def failed_emails(limit: int = 200) -> list[OutboxEmail]:
    return list(
        db.session.scalars(
            select(OutboxEmail)
            .where(OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_not(None))
            .order_by(OutboxEmail.failed_at.desc(), OutboxEmail.id.desc())
            .limit(limit)
        )
    )


def retry_email(row_id: int) -> OutboxEmail:
    """An operator's retry: the row gets all its attempts again, from the next relay run."""
    row = db.session.get(OutboxEmail, row_id)
    if row is None or row.sent_at is not None or row.failed_at is None:
        raise NotFound(gettext("no failed e-mail with number %(id)s; reload the list", id=row_id))
    row.failed_at = None
    row.claimed_until = None
    row.attempts = 0
    db.session.flush()
    return row
