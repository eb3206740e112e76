"""What an import means for the work already under way, and who hears of it.

An issue a newer report no longer finds is verified: its tasks' history says "verified by the
audit of DATE"; a task still open tells its assignee and both directors that it looks fixed
(people close work, collab does not). An issue that comes back after that has regressed: a
finished task reopens (collab may reopen what the agency may not) and says why. Everyone
concerned gets one notice per import, a digest, never one per finding.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable

from babel.numbers import format_decimal
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select

from collab.audits.plans import Outcome, Plan
from collab.models import Event, Organization, Recommendation, Task, User, facts_changed
from collab.models.site_audits import AuditImport
from collab.models.work import OPEN_STATUSES
from collab.notifications.inbox import directors, notify
from collab.platform import queue
from collab.platform.extensions import db
from collab.platform.i18n import current_language
from collab.work import board_counts, events

NOTICE_KIND = "audit_imported"
MAX_NAMED = 5


def audit_day(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).date().isoformat()


def tell(
    plan: Plan,
    record: AuditImport,
    created: dict[str, Recommendation],
    recommendations: dict[int, Recommendation],
    now: dt.datetime,
) -> dict[int, list[dict]]:
    """Records each change on its tasks, reopens what regressed, and sends the digests.
    Answers the tasks it reopened, by recommendation: ``{"task", "completed_at"}``."""
    org = plan.org
    touched = [o for o in plan.outcomes if o.action in ("updated", "resolved", "regressed")]
    touched = [o for o in touched if not o.older]
    tasks = tasks_of([o.issue.recommendation_id for o in touched])
    digest = _Digest(org, record)
    reopened: dict[int, list[dict]] = defaultdict(list)
    for recommendation in created.values():
        digest.for_directors("created", recommendation, None)
    for outcome in touched:
        recommendation = recommendations[outcome.issue.recommendation_id]
        for task in tasks.get(recommendation.id, []):
            if outcome.action == "regressed" and task.status == "done":
                reopened[recommendation.id].append(
                    {"task": task.id, "completed_at": _iso(task.completed_at)}
                )
            _on_task(outcome, task, org, digest, now)
        if not tasks.get(recommendation.id):
            digest.for_directors(outcome.action, recommendation, None)
    digest.send(plan.actor.user)
    return dict(reopened)


def tasks_of(recommendation_ids: Iterable[int]) -> dict[int, list[Task]]:
    ids = list(dict.fromkeys(recommendation_ids))
    found: dict[int, list[Task]] = defaultdict(list)
    if ids:
        for task in db.session.scalars(
            select(Task).where(Task.recommendation_id.in_(ids)).order_by(Task.id)
        ):
            found[task.recommendation_id].append(task)
    return found


def record_on_task(task: Task, actor_id: int | None, field: str, **terms) -> None:
    """A line of the task's history about an audit: its terms kept (as JSON in ``old``) for
    the history to word in each reader's language, the English sentence in ``new``."""
    with force_locale("en"):
        english = audit_line(field, terms)
    Event.on_task(task, actor_id, "audit", field=field, old=json.dumps(terms), new=english)


def audit_line(field: str, terms: dict) -> str:
    """An audit's line of a task's history in the language being written in."""
    if field == "updated":
        pages = ngettext(
            "updated by the audit of %(day)s: %(count)s page",
            "updated by the audit of %(day)s: %(count)s pages",
            terms["pages"],
            day=terms["day"],
            count=format_decimal(terms["pages"], locale=current_language()),
        )
        if terms["pages_before"] != terms["pages"]:
            were = format_decimal(terms["pages_before"], locale=current_language())
            pages += " " + gettext("(were %(count)s)", count=were)
        return pages
    if field == "verified":
        return gettext("verified by the audit of %(day)s", day=terms["day"])
    if field == "regressed":
        if terms.get("since"):
            return gettext(
                "regressed: found again by the audit of %(day)s after the audit of %(since)s "
                "verified it fixed",
                day=terms["day"],
                since=terms["since"],
            )
        return gettext(
            "regressed: found again by the audit of %(day)s after an earlier one verified it fixed",
            day=terms["day"],
        )
    if field == "undone":
        return gettext(
            "the import of the audit of %(day)s (#%(id)s) was undone",
            day=terms["day"],
            id=terms["id"],
        )
    raise KeyError(field)


def _on_task(outcome: Outcome, task: Task, org: Organization, digest: _Digest, now) -> None:
    day = audit_day(outcome.checked_at)
    action = outcome.action
    if action == "updated":
        record_on_task(
            task,
            None,
            "updated",
            day=day,
            pages=len(outcome.urls),
            pages_before=outcome.pages_before,
        )
        if task.status in OPEN_STATUSES:
            digest.add(action, task)
    elif action == "resolved":
        record_on_task(task, None, "verified", day=day)
        if task.status in OPEN_STATUSES:
            digest.add(action, task)
        elif task.status == "done":
            digest.for_directors("verified", task.recommendation, task)
    elif action == "regressed":
        since = audit_day(outcome.resolved_before) if outcome.resolved_before else None
        record_on_task(task, None, "regressed", day=day, since=since)
        if task.status == "done":
            move_by_collab(task, "in_progress", org, now)
        if task.status in OPEN_STATUSES:
            digest.add(action, task)


def move_by_collab(
    task: Task, target: str, org: Organization, now: dt.datetime, completed_at=None
) -> None:
    """A status change collab makes itself (an audit reopening work, an undo putting it back),
    with the same side effects as a person's: board counts, alerts, history, impact."""
    old = task.status
    task.status = target
    task.status_changed_at = now
    task.alert_check_at = now
    if target == "done":
        task.completed_at = completed_at or now
    elif old == "done":
        task.completed_at = None
    db.session.flush()
    if "done" in (old, target):
        facts_changed(org.id)  # the results earlier work of its kind shows
    board_counts.add(org.id, old, task.team, -1)
    board_counts.add(org.id, target, task.team, +1)
    events.task_changed.send(task, old_status=old, due_date_changed=False, now=now)
    if target == "done":
        queue.later("workers.jobs.measure_task_impact", task.id)
    Event.on_task(task, None, "changed", field="status", old=old, new=target)


# A digest's sections, in its order, each saying its count and naming its work.
_HEADINGS = {
    "created": lambda n, named: gettext("%(count)s new: %(named)s", count=n, named=named),
    "updated": lambda n, named: gettext("%(count)s updated: %(named)s", count=n, named=named),
    "resolved": lambda n, named: gettext(
        "%(count)s look fixed (close them if you agree): %(named)s", count=n, named=named
    ),
    "verified": lambda n, named: gettext(
        "%(count)s verified fixed: %(named)s", count=n, named=named
    ),
    "regressed": lambda n, named: gettext(
        "%(count)s came back and reopened: %(named)s", count=n, named=named
    ),
}


class _Digest:
    """Per person, the lines of this import's one notice."""

    def __init__(self, org: Organization, record: AuditImport):
        self.org = org
        self.record = record
        self._directors = directors(org)
        # Per person and section: (title, task id or None), worded in their language on send.
        self._lines: dict[int, dict[str, list[tuple[str, int | None]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self._people: dict[int, User] = {u.id: u for u in self._directors}
        self._tasks: dict[int, set[int]] = defaultdict(set)

    def add(self, action: str, task: Task) -> None:
        """Tells the task's assignee and both directors."""
        people = list(self._directors)
        if task.assignee is not None:
            people.append(task.assignee)
        for user in people:
            self._people[user.id] = user
            self._tasks[user.id].add(task.id)
            self._line(user.id, action, (task.title, task.id))

    def for_directors(self, action: str, recommendation: Recommendation, task: Task | None) -> None:
        label = (recommendation.title, task.id if task else None)
        for user in self._directors:
            self._line(user.id, action, label)

    def _line(self, user_id: int, action: str, label: tuple[str, int | None]) -> None:
        lines = self._lines[user_id][action]
        if label not in lines:
            lines.append(label)

    def send(self, importer: User) -> None:
        for user_id, sections in self._lines.items():
            only = self._tasks.get(user_id, set())
            task = db.session.get(Task, next(iter(only))) if len(only) == 1 else None
            notify(
                [self._people[user_id]],
                self.org,
                NOTICE_KIND,
                lambda sections=sections: self._text(sections, importer),
                task=task,
                skip=importer,
            )

    def _text(self, sections: dict[str, list[tuple[str, int | None]]], importer: User) -> str:
        """One person's notice, in the language being written in (theirs, on send)."""
        parts = []
        for action, heading in _HEADINGS.items():
            labels = sections.get(action)
            if not labels:
                continue
            named = "; ".join(_label(title, task_id) for title, task_id in labels[:MAX_NAMED])
            if len(labels) > MAX_NAMED:
                named += gettext("; and %(count)s more", count=len(labels) - MAX_NAMED)
            parts.append(heading(len(labels), named))
        return gettext(
            "Audit of %(day)s imported by %(who)s (import #%(id)s): %(parts)s.",
            day=audit_day(self.record.audited_at),
            who=importer.display_name,
            id=self.record.id,
            parts=". ".join(parts),
        )


def _label(title: str, task_id: int | None) -> str:
    if task_id is None:
        return f"“{title}”"
    return gettext("“%(title)s” (task #%(id)s)", title=title, id=task_id)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None
