"""A task's history as people read it: names instead of e-mail addresses, "To do" instead of
"todo", "yes" instead of "True", and a sentence per change that says what happened.

The events keep the stored values (what the API and an export would want); this module is the
one place that turns them into words, so a translation of the pages changes it alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from collab.accounts.people import names_by_email
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
            return "filed it; no rule recognised it, so both directors triage it"
        return f"filed it for {filters.team_label(event.new)}"
    if event.kind == "commented":
        which = "an internal comment" if event.new == "internal" else "a comment"
        if event.field in ("ticked", "unticked"):
            return f"{event.field} “{event.old}” in {which}"
        if event.field in ("edited", "deleted"):
            said = " ".join((event.old or "").split())
            said = said if len(said) <= 300 else said[:299] + "…"
            return f"{event.field} {which} (it said “{said}”)"
        return "wrote an internal comment" if event.new == "internal" else "commented"
    if event.kind == "checklist":
        return f"{event.field} “{event.old}” in the description"
    if event.kind == "audit":
        return event.new or "an audit checked it"  # "verified by the audit of DATE", said in full
    if event.kind == "routing_override":
        return f"changed the routing from {_route(event.old)} to {_route(event.new)}"
    if event.kind == "warning" and event.field == "due_date":
        return (
            f"set a due date that had already passed ({_value('due_date', event.new, {}, zone)}):"
            " the task was overdue from the start"
        )
    return _change(event.field or "", event.old, event.new, names, zone)


def _change(field: str, old, new, names: dict[str, str], zone: ZoneInfo | None) -> str:
    before, after = (_value(field, v, names, zone) for v in (old, new))
    if field == "waiting_on_agency":
        if new == "True":
            return "marked it as waiting on the agency's answer"
        return "marked it as no longer waiting on the agency"
    if field == "status":
        return f"moved it from {before} to {after}"
    if field == "assignee":
        if new is None:
            return f"took it off {before}" if old else "left it unassigned"
        return f"assigned it to {after}" + (f" instead of {before}" if old else "")
    label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
    if old in (None, ""):
        return f"set {label.lower()} to {after}"
    if new in (None, ""):
        return f"cleared {label.lower()} (it was {before})"
    return f"changed {label.lower()} from {before} to {after}"


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
        return f"task #{value}"
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
