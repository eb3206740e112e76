"""Undoing an audit import (directors): what it created and nobody has touched since goes,
what it changed returns to how it was, and the tasks' history says so.

Only the latest word on an issue can be taken back: when a later import changed the same
issues, that one is undone first, or the undo would put back a state the later import had
already built on. A recommendation someone has already worked on (moved, assigned, commented)
stays, and the answer says how many stayed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import delete, func, select

from collab.audits.imports import replace_urls
from collab.audits.verification import audit_day, move_by_collab, record_on_task, tasks_of
from collab.models import Comment, Membership, Organization, Recommendation, Task
from collab.models.site_audits import AuditChange, AuditImport, AuditIssue
from collab.platform.clock import utcnow
from collab.platform.errors import Conflict
from collab.platform.extensions import db
from collab.platform.transactions import savepoint
from collab.work import board_counts


@dataclass(frozen=True)
class Undone:
    removed: int  # recommendations the import created, gone with their tasks
    kept: int  # recommendations it created that people already worked on
    restored: int  # issues put back as they were before the import


def undo_import(
    org: Organization, actor: Membership, record: AuditImport, now: dt.datetime | None = None
) -> Undone:
    """Raises Conflict when the import was undone already or a later import changed the same
    issues (naming it)."""
    now = now or utcnow()
    if record.undone_at is not None:
        raise Conflict(
            gettext(
                "import #%(id)s was undone already; there is nothing more to undo",
                id=record.id,
            )
        )
    with savepoint():
        db.session.execute(
            select(Organization.id).where(Organization.id == org.id).with_for_update()
        )
        changes = list(
            db.session.scalars(
                select(AuditChange)
                .where(AuditChange.import_id == record.id)
                .order_by(AuditChange.id)
            )
        )
        issue_ids = [c.issue_id for c in changes if c.issue_id is not None]
        issues = {
            i.id: i
            for i in db.session.scalars(select(AuditIssue).where(AuditIssue.id.in_(issue_ids)))
        }
        later = sorted(
            {i.last_import_id for i in issues.values() if i.last_import_id != record.id} - {None}
        )
        if later:
            raise Conflict(
                gettext(
                    "import #%(later)s changed the same issues after import #%(id)s; "
                    "undo #%(later)s first",
                    later=later[-1],
                    id=record.id,
                )
            )
        tasks = tasks_of(c.recommendation_id for c in changes if c.recommendation_id)
        day = audit_day(record.audited_at)
        removed = kept = restored = 0
        gone: list[int] = []
        for change in changes:
            rec_tasks = tasks.get(change.recommendation_id, [])
            if change.action == "created":
                if _untouched(rec_tasks):
                    gone.append(change.recommendation_id)
                    removed += 1
                else:
                    kept += 1
                continue
            issue = issues.get(change.issue_id)
            if issue is None:
                continue
            _restore(issue, change, org, rec_tasks, now)
            restored += 1
            for task in rec_tasks:
                record_on_task(task, actor.user_id, "undone", day=day, id=record.id)
        _remove(org, gone, tasks)
        record.undone_at = now
        record.undone_by_id = actor.user_id
        db.session.flush()
    return Undone(removed, kept, restored)


def _untouched(tasks: list[Task]) -> bool:
    """Still exactly as the import filed it: in triage, never changed, nobody commented."""
    if any(task.status != "triage" or task.version != 1 for task in tasks):
        return False
    ids = [task.id for task in tasks]
    return not ids or not db.session.scalar(
        select(func.count()).select_from(Comment).where(Comment.task_id.in_(ids))
    )


def _restore(
    issue: AuditIssue, change: AuditChange, org: Organization, tasks: list[Task], now
) -> None:
    before = change.before or {}
    recommendation = db.session.get(Recommendation, issue.recommendation_id)
    issue.state = before["state"]
    issue.keys = before.get("keys", issue.keys)
    issue.urls = before["urls"]
    issue.figures = before["figures"]
    issue.fingerprint = before["fingerprint"]
    issue.checked_at = dt.datetime.fromisoformat(before["checked_at"])
    issue.resolved_at = (
        dt.datetime.fromisoformat(before["resolved_at"]) if before.get("resolved_at") else None
    )
    issue.last_import_id = before.get("last_import_id")
    if change.action == "unchanged":
        return
    recommendation.description = before["description"]
    recommendation.url_count = before["url_count"]
    replace_urls({recommendation.id: issue.urls})
    reopened = {item["task"]: item.get("completed_at") for item in before.get("reopened", [])}
    for task in tasks:
        # Reopened by the import and not moved since: done again, as it was.
        if task.id in reopened and task.status == "in_progress":
            completed = reopened[task.id]
            move_by_collab(
                task,
                "done",
                org,
                now,
                completed_at=dt.datetime.fromisoformat(completed) if completed else None,
            )


def _remove(org: Organization, recommendation_ids: list[int], tasks: dict[int, list[Task]]):
    if not recommendation_ids:
        return
    for rid in recommendation_ids:
        for task in tasks.get(rid, []):
            board_counts.add(org.id, task.status, task.team, -1)
            db.session.expunge(task)
    # The database cascades to the tasks, URLs, history, notices and the tracked issue.
    db.session.execute(
        delete(AuditIssue).where(AuditIssue.recommendation_id.in_(recommendation_ids))
    )
    db.session.execute(
        delete(Recommendation)
        .where(Recommendation.id.in_(recommendation_ids))
        .execution_options(synchronize_session="fetch")
    )
