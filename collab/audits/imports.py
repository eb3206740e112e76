"""Importing an audit: the files read, compared with what the organisation tracks, and turned
into owned work in one transaction.

One recommendation per issue type (never one per URL), its tasks routed by the finding's
identity, its pages worst first with the tool's figures; a later report updates, resolves or
reopens what an earlier one filed; the very same files again change nothing. Every import is
recorded with what it did, so a director can undo it (collab.audits.undo).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from flask_babel import gettext
from sqlalchemy import delete, insert, select

from collab.audits import verification
from collab.audits.findings import AuditBatch
from collab.audits.plans import Outcome, Plan, Upload, plan_import, read_upload
from collab.audits.sites import learn_hosts
from collab.audits.summaries import description
from collab.models import Event, Membership, Organization, Recommendation, RecommendationUrl, Task
from collab.models.site_audits import AuditChange, AuditImport, AuditIssue
from collab.platform.clock import local_today, utcnow
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.platform.transactions import savepoint
from collab.work import board_counts
from collab.work.recommendations import PRIORITY_RANK
from collab.work.routing import UNCATEGORISED
from collab.work.routing_reasons import task_columns

TITLE_LENGTH = 200
_PRIORITIES = {"high": "high", "medium": "medium", "low": "low"}


def audit_date(text: str | None, org: Organization, now: dt.datetime | None = None):
    """The ``audited_on`` a person typed (YYYY-MM-DD), or None; never a day still to come."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            gettext("the audit was not imported"),
            {
                "audited_on": gettext(
                    "%(value)s is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31",
                    value=repr(text[:20]),
                )
            },
        ) from None
    if day > local_today(org.timezone, now):
        raise ValidationFailed(
            gettext("the audit was not imported"),
            {
                "audited_on": gettext(
                    "%(day)s is after today; give the day of the crawl, not a later one",
                    day=day.isoformat(),
                )
            },
        )
    return day


def import_audit(
    org: Organization,
    actor: Membership,
    files: Iterable[tuple[str, bytes]],
    audited_on: dt.date | None = None,
    add_hosts: bool = False,
    now: dt.datetime | None = None,
) -> AuditImport:
    """Reads ``files`` and applies what they say, all or nothing. Raises AuditFileError
    (422, naming the file) before anything is written."""
    now = now or utcnow()
    upload = read_upload(org, files, audited_on, now)  # the slow part, outside the lock
    return apply_upload(org, actor, upload, add_hosts, now)


def apply_upload(
    org: Organization,
    actor: Membership,
    upload: Upload,
    add_hosts: bool = False,
    now: dt.datetime | None = None,
) -> AuditImport:
    now = now or utcnow()
    with savepoint():
        # One import of an organisation at a time: a second waits here, then compares with
        # what the first wrote. (SQLite's savepoint already holds the write lock.)
        db.session.execute(
            select(Organization.id).where(Organization.id == org.id).with_for_update()
        )
        plan = plan_import(org, actor, upload, add_hosts, now)
        return _apply(plan, now)


def _apply(plan: Plan, now: dt.datetime) -> AuditImport:
    org, actor = plan.org, plan.actor
    record = _record(plan, now)
    if plan.batch is None:
        return record
    if plan.hosts_added:
        learn_hosts(org, actor, plan.hosts_added)
    # Worked out before filing, which gives the new outcomes their issues.
    changed = [o for o in plan.outcomes if o.issue is not None and o.changes_row]
    created = _file(plan, record, now)
    recommendations = _load_recommendations([o.issue.recommendation_id for o in changed])
    rows = {
        o.issue.recommendation_id: _change(o, record, recommendations[o.issue.recommendation_id])
        for o in changed
    }
    rewritten = {
        o.issue.recommendation_id: o.urls
        for o in changed
        if o.action in ("updated", "regressed", "resolved")
    }
    replace_urls(rewritten)
    db.session.flush()
    reopened = verification.tell(plan, record, created, recommendations, now)
    for recommendation_id, tasks in reopened.items():
        # Undoing the import puts these back as they were.
        rows[recommendation_id].before = {**rows[recommendation_id].before, "reopened": tasks}
    record.result = _result(plan, created)
    db.session.flush()
    return record


def _record(plan: Plan, now: dt.datetime) -> AuditImport:
    upload = plan.upload
    if plan.batch is None:
        original = upload.repeat_of
        record = AuditImport(
            organization_id=plan.org.id,
            imported_by_id=plan.actor.user_id,
            source=original.source,
            tool=original.tool,
            version=original.version,
            files=[name for name, _ in upload.files],
            audited_at=original.audited_at,
            pages=original.pages,
            page_count=original.page_count,
            hosts=original.hosts,
            digest=upload.digest,
            result=repeat_result(original),
            repeat_of_id=original.id,
            created_at=now,
        )
    else:
        batch = plan.batch
        record = AuditImport(
            organization_id=plan.org.id,
            imported_by_id=plan.actor.user_id,
            source=batch.sources[0] if batch.sources else "csv",
            tool=_tools(batch),
            version=next((r.version for r in batch.reports if r.version), None),
            files=[name for name, _ in upload.files],
            audited_at=plan.audited_at,
            pages=upload.pages,
            page_count=len(upload.pages),
            hosts=upload.hosts,
            digest=upload.digest,
            result={},
            created_at=now,
        )
    db.session.add(record)
    db.session.flush()
    return record


def _tools(batch: AuditBatch) -> str:
    named = dict.fromkeys(f"{r.tool} {r.version or ''}".strip() for r in batch.reports)
    return ", ".join(named)[:300]


def repeat_result(original: AuditImport) -> dict:
    """The answer to files that repeat ``original``: its findings, nothing created or changed."""
    findings = original.result.get("findings", [])
    ids = list(dict.fromkeys(f["recommendation_id"] for f in findings))
    return {
        "findings": findings,
        "created": [],
        "updated": [],
        "unchanged": ids,
        "resolved": [],
        "regressed": [],
        "problems": original.result.get("problems", []),
        "problem_terms": original.result.get("problem_terms", []),
        "finding_rows": original.result.get("finding_rows", 0),
    }


# --- new issues: recommendations and their tasks -------------------------------------------


def _file(plan: Plan, record: AuditImport, now: dt.datetime) -> dict[str, Recommendation]:
    """One recommendation per new issue and one task per route, in a few statements however
    many issues the files hold."""
    org, actor = plan.org, plan.actor
    new = plan.of("created")
    if not new:
        return {}
    today = local_today(org.timezone, now)
    made: dict[str, Recommendation] = {}
    for outcome in new:
        priority = _priority(outcome)
        category = outcome.routes[0].category if outcome.routes else UNCATEGORISED
        made[outcome.key] = Recommendation(
            organization_id=org.id,
            organization=org,
            title=outcome.title[:TITLE_LENGTH],
            description=description(
                outcome.figures.get("explanation", ""),
                outcome.urls,
                outcome.figures,
                outcome.checked_at.date(),
            ),
            category=None if category == UNCATEGORISED else category,
            priority=priority,
            url_count=len(outcome.urls),
            filed_by_id=actor.user_id,
            created_at=now,
        )
    db.session.add_all(made.values())
    db.session.flush()
    tasks = []
    for outcome in new:
        recommendation = made[outcome.key]
        due = today + dt.timedelta(days=org.due_days(recommendation.priority))
        for route in outcome.routes:
            tasks.append(
                Task(
                    organization_id=org.id,
                    recommendation=recommendation,
                    title=recommendation.title,
                    category=route.category,
                    team=route.team,
                    status="triage",
                    priority=recommendation.priority,
                    priority_rank=PRIORITY_RANK[recommendation.priority],
                    due_date=due,
                    triage_since=today,
                    routed_team=route.team,
                    routed_category=route.category,
                    **task_columns(route.why),
                    created_at=now,
                    status_changed_at=now,
                    alert_check_at=now,
                )
            )
    db.session.add_all(tasks)
    db.session.flush()
    for team, count in Counter(task.team for task in tasks).items():
        board_counts.add(org.id, "triage", team, count)
    for task in tasks:
        Event.on_task(task, actor.user_id, "created", field="team", new=task.team or "unrouted")
    issues = []
    for outcome in new:
        recommendation = made[outcome.key]
        issue = AuditIssue(
            organization_id=org.id,
            key=outcome.key,
            source=outcome.group.source,
            keys=list(outcome.group.keys),
            title=outcome.title[:300],
            recommendation_id=recommendation.id,
            state="open",
            urls=outcome.urls,
            figures=outcome.figures,
            fingerprint=outcome.fingerprint,
            checked_at=outcome.checked_at,
            last_import_id=record.id,
            created_at=now,
        )
        issues.append(issue)
        outcome.issue = issue
    db.session.add_all(issues)
    db.session.flush()
    db.session.add_all(
        AuditChange(
            import_id=record.id,
            issue_id=o.issue.id,
            recommendation_id=made[o.key].id,
            action="created",
        )
        for o in new
    )
    replace_urls({made[o.key].id: o.urls for o in new}, fresh=True)
    return made


def _priority(outcome: Outcome) -> str:
    said = str(outcome.figures.get("priority") or "").strip().lower()
    return _PRIORITIES.get(said, "medium")


# --- issues already tracked ----------------------------------------------------------------


def _load_recommendations(ids: list[int]) -> dict[int, Recommendation]:
    if not ids:
        return {}
    return {
        r.id: r
        for r in db.session.scalars(select(Recommendation).where(Recommendation.id.in_(ids)))
    }


def snapshot(issue: AuditIssue, recommendation: Recommendation) -> dict:
    """The issue and its recommendation as they are: what undoing a later change restores."""
    return {
        "state": issue.state,
        "keys": issue.keys,
        "urls": issue.urls,
        "figures": issue.figures,
        "fingerprint": issue.fingerprint,
        "checked_at": issue.checked_at.isoformat(),
        "resolved_at": issue.resolved_at.isoformat() if issue.resolved_at else None,
        "last_import_id": issue.last_import_id,
        "description": recommendation.description,
        "url_count": recommendation.url_count,
    }


def _change(outcome: Outcome, record: AuditImport, recommendation: Recommendation) -> AuditChange:
    issue = outcome.issue
    row = AuditChange(
        import_id=record.id,
        issue_id=issue.id,
        recommendation_id=recommendation.id,
        action=outcome.action,
        before=snapshot(issue, recommendation),
    )
    db.session.add(row)
    issue.checked_at = outcome.checked_at
    issue.last_import_id = record.id
    if outcome.action == "unchanged":
        return row  # a newer report saw the same: only its date is kept
    issue.urls = outcome.urls
    issue.figures = outcome.figures
    if outcome.group is not None:
        issue.keys = list(outcome.group.keys)
    issue.fingerprint = outcome.fingerprint
    if outcome.action == "resolved":
        issue.state, issue.resolved_at = "resolved", outcome.checked_at
    else:
        issue.state, issue.resolved_at = "open", None
    recommendation.url_count = len(outcome.urls)
    recommendation.description = description(
        outcome.figures.get("explanation", ""),
        outcome.urls,
        outcome.figures,
        outcome.checked_at.date(),
    )
    return row


def replace_urls(lists: dict[int, list[list[str | None]]], fresh: bool = False) -> None:
    """The recommendations' URL lists replaced: one DELETE and one multi-row INSERT."""
    if not lists:
        return
    if not fresh:
        db.session.execute(
            delete(RecommendationUrl).where(RecommendationUrl.recommendation_id.in_(list(lists)))
        )
    rows = [
        {"recommendation_id": rid, "position": i, "url": url, "detail": detail}
        for rid, urls in lists.items()
        for i, (url, detail) in enumerate(urls)
    ]
    if rows:
        db.session.execute(insert(RecommendationUrl), rows)


# --- the answer ----------------------------------------------------------------------------


def _result(plan: Plan, created: dict[str, Recommendation]) -> dict:
    batch = plan.batch
    recommendation_of = {
        o.key: created[o.key].id if o.key in created else o.issue.recommendation_id
        for o in plan.outcomes
    }
    findings: dict[str, dict] = {}
    for finding in batch.findings:
        entry = findings.setdefault(
            finding.key,
            {
                "key": finding.key,
                "title": finding.title,
                "urls": {},
                "recommendation_id": recommendation_of[finding.group],
            },
        )
        entry["urls"].update(dict.fromkeys(finding.urls))
    for entry in findings.values():
        entry["urls"] = list(entry["urls"])

    def ids(*actions: str) -> list[int]:
        return list(dict.fromkeys(recommendation_of[o.key] for a in actions for o in plan.of(a)))

    return {
        "findings": list(findings.values()),
        "created": ids("created"),
        "updated": ids("updated", "regressed"),
        "unchanged": list(dict.fromkeys(recommendation_of[o.key] for o in plan.unchanged)),
        "resolved": ids("resolved"),
        "regressed": ids("regressed"),
        "problems": plan.problems,
        "problem_terms": plan.problem_terms,
        # Failing audits and issue rows read (a kind found on 500 pages counts 500 times).
        "finding_rows": len(batch.findings),
    }
