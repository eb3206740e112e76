"""What an import would do, worked out before anything is written: the preview shows it, the
import applies it.

Each issue type of the files (a finding group) meets the issue the organisation already tracks
under the same key, or none. How its pages change depends on what the files can vouch for:

- a report that covers the whole site (a crawler's issue list) lists every affected URL, so
  its list replaces the old one, and an issue it does not list is gone;
- a report that covers pages (a Lighthouse run, an Internal: All crawl) speaks only for its
  own pages: they are taken off the old list unless the issue is still found on them, and the
  pages it did not cover stay as they were;
- a report only speaks for the issues it checked, on the form factors it ran (a mobile run
  does not clear what a desktop run found), and only when it can vouch for a pass at all (no
  runtime error, a crawl that fetched something);
- a report older than the newest one already heard about an issue changes nothing about it.

An issue whose pages all went is resolved; one that comes back after that has regressed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from collab.audits import sites
from collab.audits.files import read_audit_files
from collab.audits.findings import AuditBatch, FindingGroup, Report
from collab.audits.pages import host_of
from collab.audits.routes import AuditRoute
from collab.audits.summaries import page_details
from collab.models import Membership, Organization
from collab.models.site_audits import AuditImport, AuditIssue
from collab.platform.clock import utcnow
from collab.platform.extensions import db

WORST_KEPT = 5
_ANY_FORM = "*"
# A report that checks "every issue its tool knows" (Screaming Frog's Issues Overview) lists
# only what the tool's own filters found: the issues collab derives from Internal: All have no
# filter there, and PageSpeed issues appear only in crawls run with the PageSpeed API. Their
# absence from an overview proves nothing.
NOT_IN_OVERVIEWS = (
    "screaming_frog:page_size_",
    "screaming_frog:response_times_",
    "screaming_frog:pagespeed_",
)


@dataclass
class Outcome:
    """What the import does to one issue. ``urls`` are the pages afterwards, worst first,
    each ``[url, figures in words]``; ``routes`` the teams a new recommendation goes to."""

    action: str  # created, updated, unchanged, resolved, regressed
    key: str
    title: str
    issue: AuditIssue | None
    group: FindingGroup | None
    urls: list[list[str | None]]
    figures: dict[str, Any]
    checked_at: dt.datetime
    routes: tuple[AuditRoute, ...] = ()
    older: bool = False  # left as it was: a newer report already spoke about it
    fingerprint: str = ""
    # The tracked issue as the files found it (the import rewrites the issue afterwards).
    pages_before: int = field(init=False, default=0)
    resolved_before: dt.datetime | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.issue is not None:
            self.pages_before = len(self.issue.urls)
            self.resolved_before = self.issue.resolved_at

    @property
    def changes_row(self) -> bool:
        """Whether the tracked issue's row is written (so the import must be able to undo it)."""
        if self.issue is None or self.older:
            return self.issue is None
        return self.action != "unchanged" or self.checked_at > self.issue.checked_at


@dataclass
class Upload:
    files: list[tuple[str, bytes]]
    digest: str
    audited_on: dt.date | dt.datetime | None
    batch: AuditBatch | None  # None while the files repeat the latest import's
    repeat_of: AuditImport | None
    # The batch's pages and their hosts, worked out once (a crawl lists 50,000 pages).
    pages: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)


@dataclass
class Plan:
    org: Organization
    actor: Membership
    upload: Upload
    outcomes: list[Outcome] = field(default_factory=list)
    hosts_added: list[str] = field(default_factory=list)
    audited_at: dt.datetime | None = None

    @property
    def batch(self) -> AuditBatch | None:
        return self.upload.batch

    def of(self, action: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.action == action and not o.older]

    @property
    def unchanged(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.action == "unchanged" or o.older]

    @property
    def problems(self) -> list[str]:
        """Why some reports verify nothing (a runtime error, a crawl that fetched nothing), in
        English: what the API answers."""
        batch = self.batch
        return [f"{r.file}: {r.problem}" for r in batch.reports if r.problem] if batch else []

    @property
    def problem_terms(self) -> list[dict]:
        """The same as terms, kept with the import and worded in each reader's language
        (collab.audits.history.problems_said)."""
        batch = self.batch
        if batch is None:
            return []
        return [
            {"file": r.file, "message": r.problem.message, "terms": r.problem.terms}
            for r in batch.reports
            if r.problem
        ]


def read_upload(
    org: Organization,
    files: Iterable[tuple[str, bytes]],
    audited_on: dt.date | dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Upload:
    """The files read (AuditFileError naming the file when one cannot be), unless they are
    the very files of the organisation's latest import: then only recognised."""
    files = [(str(name or "upload"), bytes(data)) for name, data in files]
    columns = sites.csv_columns(org)
    digest = _digest(files, audited_on, columns)
    repeat = repeated_import(org, digest)
    if repeat is not None:
        return Upload(files, digest, audited_on, None, repeat)
    batch = read_audit_files(
        files,
        audited_on or now or utcnow(),
        overrides=sites.override_map(org),
        csv_columns=columns or None,
    )
    pages = list(batch.pages)
    return Upload(files, digest, audited_on, batch, None, pages, hosts_of(pages))


def hosts_of(pages: Iterable[str]) -> list[str]:
    """The hosts of normalised pages (AuditBatch.hosts), reading each distinct address once."""
    one_per_address: dict[str, str] = {}
    for page in pages:
        one_per_address.setdefault(page.split("/", 3)[2], page)
    return sorted({host_of(page) for page in one_per_address.values()})


def _digest(files: list[tuple[str, bytes]], audited_on, columns: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for _, data in files:
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    digest.update(json.dumps([str(audited_on or ""), columns], sort_keys=True).encode())
    return digest.hexdigest()


def repeated_import(org: Organization, digest: str) -> AuditImport | None:
    """The organisation's latest import when it read the same bytes and still stands (its
    original not undone, its hosts still the organisation's): repeating it changes nothing."""
    latest = db.session.scalar(
        select(AuditImport)
        .where(AuditImport.organization_id == org.id)
        .order_by(AuditImport.id.desc())
        .limit(1)
    )
    if latest is None or latest.digest != digest or latest.undone_at is not None:
        return None
    original = db.session.get(AuditImport, latest.repeat_of_id) if latest.repeat_of_id else latest
    if original is None or original.undone_at is not None:
        return None
    if sites.foreign_hosts(org, latest.hosts):
        return None
    return original


def plan_import(
    org: Organization,
    actor: Membership,
    upload: Upload,
    add_hosts: bool = False,
    now: dt.datetime | None = None,
) -> Plan:
    """What importing ``upload`` would do now. Writes nothing; raises AuditFileError when a
    file's pages lie on hosts the organisation does not list."""
    now = now or utcnow()
    if upload.repeat_of is not None and repeated_import(org, upload.digest) is None:
        # Something was imported or undone since the files were recognised: read them now.
        upload = read_upload(org, upload.files, upload.audited_on, now)
        upload.repeat_of = None
    plan = Plan(org, actor, upload)
    batch = upload.batch
    if batch is None:
        return plan
    plan.hosts_added = sites.check_hosts(org, actor, batch, upload.hosts, add_hosts)
    dates = [_moment(r.audited_on, now) for r in batch.reports]
    plan.audited_at = max(dates) if dates else now
    issues = {
        issue.key: issue
        for issue in db.session.scalars(
            select(AuditIssue).where(
                AuditIssue.organization_id == org.id, AuditIssue.source.in_(batch.sources)
            )
        )
    }
    memo: dict = {}
    for group in batch.groups:
        plan.outcomes.append(_present(batch, dates, group, issues.get(group.key), memo))
    seen = {group.key for group in batch.groups}
    for key, issue in sorted(issues.items()):
        if key not in seen and issue.state == "open":
            outcome = _absent(batch, dates, issue, memo)
            if outcome is not None:
                plan.outcomes.append(outcome)
    for outcome in plan.outcomes:
        outcome.fingerprint = fingerprint(outcome.urls, outcome.figures)
        if outcome.action == "updated" and outcome.issue.fingerprint == outcome.fingerprint:
            outcome.action = "unchanged"
    return plan


def _present(
    batch: AuditBatch,
    dates: list[dt.datetime],
    group: FindingGroup,
    issue: AuditIssue | None,
    memo: dict,
) -> Outcome:
    details = page_details(batch, group)
    found = [[url, details.get(url)] for url in group.urls]
    reports = sorted({batch.findings[i].report for i in group.findings})
    seen_at = max(dates[i] for i in reports)
    figures = dict(group.figures)
    first = batch.findings[group.findings[0]]
    if first.details:
        figures["explanation"] = first.details
    if issue is None:
        return Outcome("created", group.key, group.title, None, group, found, figures, seen_at,
                       routes=group.routes)  # fmt: skip
    if seen_at < issue.checked_at:
        return _left_alone(issue, group, seen_at)
    verifying = _verifying(batch, dates, issue)
    if any(batch.reports[i].scope == "site" for i in verifying):
        urls = found or [list(pair) for pair in issue.urls]
    else:
        covered = _covered(batch, verifying, issue, memo)
        listed = {url for url, _ in found}
        urls = found + [list(p) for p in issue.urls if p[0] not in covered and p[0] not in listed]
    forms = set(figures.get("form_factors") or [])
    if len(urls) > len(found):
        forms |= set(issue.figures.get("form_factors") or [])
    figures.update(_page_figures(urls))
    if forms:
        figures["form_factors"] = sorted(forms)
    action = "regressed" if issue.state == "resolved" else "updated"
    checked = max(seen_at, issue.checked_at)
    return Outcome(action, group.key, issue.title, issue, group, urls, figures, checked)


def _left_alone(issue: AuditIssue, group: FindingGroup, seen_at: dt.datetime) -> Outcome:
    return Outcome(
        "unchanged",
        issue.key,
        issue.title,
        issue,
        group,
        [list(p) for p in issue.urls],
        dict(issue.figures),
        issue.checked_at,
        older=True,
    )


def _absent(
    batch: AuditBatch, dates: list[dt.datetime], issue: AuditIssue, memo: dict
) -> Outcome | None:
    verifying = _verifying(batch, dates, issue)
    if not verifying:
        return None
    checked = max(dates[i] for i in verifying)
    if any(batch.reports[i].scope == "site" for i in verifying):
        urls: list[list[str | None]] = []
    else:
        covered = _covered(batch, verifying, issue, memo)
        urls = [list(p) for p in issue.urls if p[0] not in covered]
        if len(urls) == len(issue.urls):
            return None  # none of its pages was looked at again
    figures = dict(issue.figures)
    figures.update(_page_figures(urls))
    action = "resolved" if not urls else "updated"
    return Outcome(action, issue.key, issue.title, issue, None, urls, figures, checked)


def _verifying(batch: AuditBatch, dates: list[dt.datetime], issue: AuditIssue) -> list[int]:
    """The reports of the batch that can say whether ``issue`` is still there."""
    keys = set(issue.keys)
    return [
        index
        for index, report in enumerate(batch.reports)
        if report.resolves
        and report.source == issue.source
        and dates[index] >= issue.checked_at
        # The metric audits share one issue: any of them checked again speaks for it (a
        # newer Lighthouse may no longer run an old one, first-meaningful-paint say).
        and (
            bool(keys & report.checked)
            if report.checked is not None
            else not issue.key.startswith(NOT_IN_OVERVIEWS)
        )
    ]


def _covered(
    batch: AuditBatch, verifying: Sequence[int], issue: AuditIssue, memo: dict
) -> set[str]:
    """Of the issue's pages, those these reports looked at on every form factor it was found
    on. ``memo`` keeps each set of reports' pages, read once however many issues ask."""
    forms = memo.get(tuple(verifying))
    if forms is None:
        forms = memo[tuple(verifying)] = {}
        for index in verifying:
            report: Report = batch.reports[index]
            for page in report.pages:
                forms.setdefault(page, set()).add(report.form_factor or _ANY_FORM)
    wanted = set(issue.figures.get("form_factors") or [])
    return {
        url
        for url, _ in issue.urls
        if (seen := forms.get(url)) and (_ANY_FORM in seen or not wanted or wanted <= seen)
    }


def _page_figures(urls: list[list[str | None]]) -> dict[str, Any]:
    return {"pages": len(urls), "worst_urls": [url for url, _ in urls[:WORST_KEPT]]}


def fingerprint(urls: list[list[str | None]], figures: dict[str, Any]) -> str:
    text = json.dumps([urls, figures], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _moment(value: dt.date | dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if value is None:
        return now
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
