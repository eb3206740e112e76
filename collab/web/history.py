"""A task's history as people read it: names instead of e-mail addresses, "To do" instead of
"todo", "yes" instead of "True", and a sentence per change that says what happened.

The events keep the stored values (what the API and an export would want); this module is the
one place that turns them into words, so a translation of the pages changes it alone.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask_babel import gettext

from collab.accounts.people import names_by_email
from collab.audits.verification import audit_line
from collab.models import Event
from collab.web import filters
from collab.work.task_changes import FIELD_LABELS


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    who: str
    what: str
    warning: bool = False  # accepted, but worth a second look (a due date already past)


def history_lines(events: list[Event], zone: ZoneInfo | None = None) -> list[HistoryLine]:
    names = names_by_email(
        value for event in events if event.field == "assignee" for value in (event.old, event.new)
    )
    return [
        HistoryLine(
            at=event.created_at,
            who=event.actor.display_name if event.actor else "collab",
            what=_what(event, names, zone),
            warning=event.kind == "warning",
        )
        for event in events
    ]


def _what(event: Event, names: dict[str, str], zone: ZoneInfo | None) -> str:
    if event.kind == "created":
        if event.new in (None, "", "unrouted"):
            return gettext("filed it; no rule recognised it, so both directors triage it")
        return gettext("filed it for %(team)s", team=filters.team_label(event.new))
    if event.kind == "commented":
        internal = event.new == "internal"
        if event.field in ("ticked", "unticked"):
            return _ticked(event.field, event.old, internal)
        if event.field in ("edited", "deleted"):
            said = " ".join((event.old or "").split())
            said = said if len(said) <= 300 else said[:299] + "…"
            if event.field == "edited":
                if internal:
                    return gettext("edited an internal comment (it said “%(text)s”)", text=said)
                return gettext("edited a comment (it said “%(text)s”)", text=said)
            if internal:
                return gettext("deleted an internal comment (it said “%(text)s”)", text=said)
            return gettext("deleted a comment (it said “%(text)s”)", text=said)
        return (
            gettext("wrote an internal comment")
            if event.new == "internal"
            else gettext("commented")
        )
    if event.kind == "checklist":
        if event.field == "ticked":
            return gettext("ticked “%(item)s” in the description", item=event.old)
        return gettext("unticked “%(item)s” in the description", item=event.old)
    if event.kind == "audit":
        return _audit(event)
    if event.kind == "routing_override":
        return gettext(
            "changed the routing from %(before)s to %(after)s",
            before=_route(event.old),
            after=_route(event.new),
        )
    if event.kind == "warning" and event.field == "due_date":
        return gettext(
            "set a due date that had already passed (%(date)s): "
            "the task was overdue from the start",
            date=_value("due_date", event.new, {}, zone),
        )
    return _change(event.field or "", event.old, event.new, names, zone)


def _audit(event: Event) -> str:
    """An audit's line ("verified by the audit of DATE") in the reader's language; lines
    written before their terms were kept read as they were stored, in English."""
    try:
        return audit_line(event.field or "", json.loads(event.old or ""))
    except (KeyError, TypeError, ValueError):
        return event.new or gettext("an audit checked it")


def _ticked(field: str, item: str | None, internal: bool) -> str:
    if field == "ticked":
        if internal:
            return gettext("ticked “%(item)s” in an internal comment", item=item)
        return gettext("ticked “%(item)s” in a comment", item=item)
    if internal:
        return gettext("unticked “%(item)s” in an internal comment", item=item)
    return gettext("unticked “%(item)s” in a comment", item=item)


def _change(field: str, old, new, names: dict[str, str], zone: ZoneInfo | None) -> str:
    before, after = (_value(field, v, names, zone) for v in (old, new))
    if field == "waiting_on_agency":
        if new == "True":
            return gettext("marked it as waiting on the agency's answer")
        return gettext("marked it as no longer waiting on the agency")
    if field == "status":
        return gettext("moved it from %(before)s to %(after)s", before=before, after=after)
    if field == "assignee":
        if new is None:
            return (
                gettext("took it off %(who)s", who=before) if old else gettext("left it unassigned")
            )
        if old:
            return gettext("assigned it to %(who)s instead of %(before)s", who=after, before=before)
        return gettext("assigned it to %(who)s", who=after)
    label = str(FIELD_LABELS.get(field, field.replace("_", " ").capitalize())).lower()
    if old in (None, ""):
        return gettext("set %(field)s to %(after)s", field=label, after=after)
    if new in (None, ""):
        return gettext("cleared %(field)s (it was %(before)s)", field=label, before=before)
    return gettext(
        "changed %(field)s from %(before)s to %(after)s", field=label, before=before, after=after
    )


def _route(stored: str | None) -> str:
    """ "it/technical_seo" (team/category, as stored) -> "IT · Technical SEO"."""
    team, _, category = (stored or "").partition("/")
    team = None if team in ("", "unrouted", "None") else team
    return f"{filters.team_label(team)} · {filters.category_label(category)}"


def _value(field: str, value: str | None, names: dict[str, str], zone: ZoneInfo | None) -> str:
    if value is None or value == "":
        return filters.MISSING
    if field == "status":
        return filters.status_label(value)
    if field == "team":
        return filters.team_label(value)
    if field == "category":
        return filters.category_label(value)
    if field == "priority":
        return filters.priority_label(value)
    if field == "resolution":
        return filters.resolution_label(value)
    if field == "assignee":
        return names.get(value, value)
    if field == "duplicate_of":
        return gettext("task #%(id)s", id=value)
    if field == "reason":
        return f"“{value}”"
    try:
        if field == "due_date":
            return filters.date(dt.date.fromisoformat(value[:10]))
        if field in ("started_at", "completed_at"):
            return filters.datetime(dt.datetime.fromisoformat(value), zone)
    except ValueError:
        pass  # an old row in another shape: shown as stored
    return value
