"""What an import means for the work already under way, and who hears of it.

An issue a newer report no longer finds is verified: its tasks' history says "verified by the
audit of DATE"; a task still open tells its assignee and both directors that it looks fixed
(people close work, collab does not). An issue that comes back after that has regressed: a
finished task reopens (collab may reopen what the agency may not) and says why. Everyone
concerned gets one notice per import, a digest, never one per finding.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select

from collab.audits.plans import Outcome, Plan
from collab.models import Event, Organization, Recommendation, Task, User, facts_changed
from collab.models.site_audits import AuditImport
from collab.models.work import OPEN_STATUSES
from collab.notifications.inbox import directors, notify
from collab.platform import queue
from collab.platform.extensions import db
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


def _on_task(outcome: Outcome, task: Task, org: Organization, digest: _Digest, now) -> None:
    day = audit_day(outcome.checked_at)
    action = outcome.action
    if action == "updated":
        text = f"updated by the audit of {day}: {len(outcome.urls):,} pages"
        if outcome.pages_before != len(outcome.urls):
            text += f" (were {outcome.pages_before:,})"
        Event.on_task(task, None, "audit", field="updated", new=text)
        if task.status in OPEN_STATUSES:
            digest.add(action, task)
    elif action == "resolved":
        Event.on_task(task, None, "audit", field="verified", new=f"verified by the audit of {day}")
        if task.status in OPEN_STATUSES:
            digest.add(action, task)
        elif task.status == "done":
            digest.for_directors("verified", task.recommendation, task)
    elif action == "regressed":
        since = audit_day(outcome.resolved_before) if outcome.resolved_before else "an earlier one"
        Event.on_task(
            task,
            None,
            "audit",
            field="regressed",
            new=f"regressed: found again by the audit of {day} after the audit of {since} "
            "verified it fixed",
        )
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


_HEADINGS = {
    "created": "new",
    "updated": "updated",
    "resolved": "look fixed (close them if you agree)",
    "verified": "verified fixed",
    "regressed": "came back and reopened",
}


class _Digest:
    """Per person, the lines of this import's one notice."""

    def __init__(self, org: Organization, record: AuditImport):
        self.org = org
        self.record = record
        self._directors = directors(org)
        self._lines: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
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
            self._line(user.id, action, f"“{task.title}” (task #{task.id})")

    def for_directors(self, action: str, recommendation: Recommendation, task: Task | None) -> None:
        label = (
            f"“{recommendation.title}” (task #{task.id})" if task else f"“{recommendation.title}”"
        )
        for user in self._directors:
            self._line(user.id, action, label)

    def _line(self, user_id: int, action: str, label: str) -> None:
        lines = self._lines[user_id][action]
        if label not in lines:
            lines.append(label)

    def send(self, importer: User) -> None:
        record = self.record
        who = importer.display_name
        for user_id, sections in self._lines.items():
            parts = []
            for action, heading in _HEADINGS.items():
                labels = sections.get(action)
                if not labels:
                    continue
                named = "; ".join(labels[:MAX_NAMED])
                more = f"; and {len(labels) - MAX_NAMED} more" if len(labels) > MAX_NAMED else ""
                parts.append(f"{len(labels)} {heading}: {named}{more}")
            text = (
                f"Audit of {audit_day(record.audited_at)} imported by {who} (import #{record.id}): "
                + ". ".join(parts)
                + "."
            )
            only = self._tasks.get(user_id, set())
            task = db.session.get(Task, next(iter(only))) if len(only) == 1 else None
            notify([self._people[user_id]], self.org, NOTICE_KIND, text, task=task, skip=importer)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None
