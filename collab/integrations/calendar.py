"""Each person's private iCalendar feed of their tasks' due dates, for the calendars they
already use (Google, Outlook, Apple subscribe to a URL and read it again every few hours).

The URL carries a token: the feed's id and an HMAC of its key under the app's secret key.
The profile page can show it again (it is derived, not stored), a stolen database alone does
not give it, a new key ends the old URL at once, and no feed row means no feed at all."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab.models import Membership, Organization, Task, User
from collab.models.accounts import TEAM_LABELS, UNROUTED
from collab.models.integrations import CalendarFeed
from collab.models.work import OPEN_STATUSES, PRIORITY_LABELS, STATUS_LABELS
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.platform.i18n import speaking
from collab.platform.links import link

PRODUCT = "-//collab//due dates//EN"


def _signature(feed: CalendarFeed) -> str:
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(),
        f"calendar:{feed.id}:{feed.key}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def token_of(feed: CalendarFeed) -> str:
    return f"{feed.id}-{_signature(feed)}"


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def new_address(user: User) -> CalendarFeed:
    """Turns the feed on, or gives it a new address: the old URL stops working."""
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, key="")
        db.session.add(feed)
    feed.key = secrets.token_hex(32)
    feed.created_at = utcnow()
    feed.last_read_at = None
    db.session.flush()
    return feed


def turn_off(user: User) -> None:
    feed = feed_of(user)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()


def feed_for(token: str) -> CalendarFeed | None:
    """The feed a URL's token opens; None for anything else (malformed, revoked, replaced,
    or its person no longer active)."""
    number, _, signature = (token or "").partition("-")
    if not (number.isascii() and number.isdigit() and len(number) <= 18):
        return None
    if not signature or not signature.isascii():  # compare_digest takes ASCII text only
        return None
    feed = db.session.get(CalendarFeed, int(number))
    if feed is None or not hmac.compare_digest(_signature(feed), signature):
        return None
    user = db.session.get(User, feed.user_id)
    return feed if user is not None and user.active else None


def _tasks(user: User) -> list[Task]:
    """Open tasks with a due date assigned to the person, in organisations they still
    belong to."""
    return list(
        db.session.scalars(
            select(Task)
            .join(
                Membership,
                (Membership.organization_id == Task.organization_id)
                & (Membership.user_id == user.id)
                & Membership.active.is_(True),
            )
            .where(
                Task.assignee_id == user.id,
                Task.status.in_(OPEN_STATUSES),
                Task.due_date.is_not(None),
            )
            .options(selectinload(Task.recommendation))
            .order_by(Task.due_date, Task.id)
        )
    )


def calendar(feed: CalendarFeed, now: dt.datetime | None = None) -> bytes:
    """The feed as iCalendar text: one all-day event per open task on its due date, in its
    owner's language (a calendar app asks with no one signed in)."""
    now = now or utcnow()
    user = db.session.get(User, feed.user_id)
    with speaking(user.language):
        cal = _calendar(user, now)
    feed.last_read_at = now
    return cal.to_ical()


def _calendar(user: User, now: dt.datetime) -> Calendar:
    orgs = {}
    base = current_app.config["BASE_URL"]
    domain = current_app.config.get("MAIL_DOMAIN", "collab.local")
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("collab: my due dates"))
    cal.add("x-published-ttl", dt.timedelta(hours=1))
    for task in _tasks(user):
        if task.organization_id not in orgs:
            orgs[task.organization_id] = db.session.get(Organization, task.organization_id)
        org = orgs[task.organization_id]
        url = link("tasks.show", base, org=org.slug, task_id=task.id)
        event = Event()
        event.add("uid", f"task-{task.id}@{domain}")
        event.add("dtstamp", now)
        event.add("last-modified", task.status_changed_at)
        event.add("sequence", task.version)
        event.add("dtstart", task.due_date)
        event.add("dtend", task.due_date + dt.timedelta(days=1))
        event.add("summary", _("Due: %(title)s", title=task.title))
        event.add(
            "description",
            " · ".join(
                (
                    org.name,
                    str(TEAM_LABELS.get(task.team, UNROUTED)),
                    str(STATUS_LABELS[task.status]),
                    _("Priority: %(priority)s", priority=PRIORITY_LABELS[task.priority]),
                )
            )
            + f"\n{url}",
        )
        event.add("url", url)
        event.add("transp", "TRANSPARENT")  # a deadline, not time taken
        cal.add_component(event)
    return cal
