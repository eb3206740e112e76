"""Measuring finished work: every done task of an organisation against each metric its kind
of work should move, stored one row per (task, metric).

For each metric of the category -> metrics map (``metric_map``), the organisation-wide daily
total is compared before and after the work (``collab.kpis.statistics``): the before window
ends when the work started (at completion when unknown), the after window starts on the day of
completion, both in the organisation's own calendar. An impact waits for data until 90% of the
after window's days have data. Other tasks of the organisation completed inside either window
are its confounders.

Each row keeps a fingerprint of every input of its measurement, so a rerun over the same data
skips the work and changes nothing, while a changed figure anywhere in the windows or in the
history that calibrates them measures that impact again.

Speed: one ``DailySeries`` per metric and organisation, measured against thousands of tasks;
building the series and its window table once is what makes 10,000 tasks take seconds.

Nothing here commits: ``collab.impacts.job`` is the job boundary that does.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, update

from collab.impacts.completed_work import Work, completions_near, done_works, task_work
from collab.impacts.metric_map import CONTROLS, category_map
from collab.kpis import counterfactual, noise, statistics, student_t, verdicts
from collab.kpis.custom_metrics import metric_definitions
from collab.kpis.materiality import material_pcts
from collab.kpis.statistics import LOOKBACK_DAYS, DailySeries
from collab.kpis.totals import daily_totals, data_range
from collab.kpis.verdicts import DEFAULT_MATERIAL_PCT
from collab.models import Organization, Task, facts_changed
from collab.models.kpis import TaskImpact
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.work import events

WINDOW_DAYS = 28
# Part of every fingerprint: a digest of the statistics itself, so a change to the method
# (a deploy) makes the next run measure every impact again.
ALGORITHM = (
    "measure_change/"
    + hashlib.blake2b(
        b"".join(
            Path(module.__file__).read_bytes()
            for module in (statistics, verdicts, counterfactual, noise, student_t)
        ),
        digest_size=6,
    ).hexdigest()
)
_CHUNK = 2_000


@dataclass
class Counts:
    """What a measuring run did."""

    tasks: int = 0
    measured: int = 0
    waiting: int = 0
    changed: int = 0

    def line(self) -> str:
        """What `flask jobs run impact` prints."""
        return (
            f"impact: {self.tasks} tasks checked, {self.measured} impacts measured, "
            f"{self.waiting} waiting for data, {self.changed} changed"
        )

    def add(self, other: Counts) -> None:
        self.tasks += other.tasks
        self.measured += other.measured
        self.waiting += other.waiting
        self.changed += other.changed


@dataclass
class Plan:
    """What one measuring run works on."""

    works: list[Work]
    metrics: dict[str, tuple[str, ...]]  # task's category -> metrics it is measured against
    lower: dict[str, bool]
    series: dict[str, DailySeries] = field(default_factory=dict)
    material: dict[str, float] = field(default_factory=dict)  # the directors' settings

    def controls(self, work: Work, metric: str) -> dict[str, DailySeries]:
        """The series that may stand for what ``metric`` would have done without the work:
        those the map names for its kind of work, unless the work should move them too."""
        measured = self.metrics.get(work.category, ())
        return {
            name: self.series[name]
            for name in CONTROLS.get(work.category, {}).get(metric, ())
            if name in self.series and name not in measured
        }

    def measure(self, work: Work, metric: str) -> dict:
        """``measure_change``'s answer for this work and metric."""
        return self.series[metric].measure(
            work.completed_on,
            work.started_on,
            self.lower[metric],
            self.material.get(metric, DEFAULT_MATERIAL_PCT),
            self.controls(work, metric),
        )

    def fingerprint(self, work: Work, metric: str) -> str:
        return fingerprint(
            self.series[metric],
            work.completed_on,
            work.started_on,
            self.lower[metric],
            self.material.get(metric, DEFAULT_MATERIAL_PCT),
            self.controls(work, metric),
        )


def plan_for(org: Organization, works: list[Work]) -> Plan:
    """The metrics each work is measured against, and one series per metric (and control)."""
    definitions = metric_definitions(org)
    categories = category_map(org)
    metrics = {
        c: tuple(m for m in categories.get(c, ()) if m in definitions)
        for c in {w.category for w in works}
    }
    plan = Plan(
        works,
        metrics,
        {m: d.lower_is_better for m, d in definitions.items()},
        material=material_pcts(org),
    )
    needed = {m for names in metrics.values() for m in names}
    if not works or not needed:
        return plan
    needed |= {
        control
        for category, names in metrics.items()
        for metric in names
        for control in CONTROLS.get(category, {}).get(metric, ())
        if control in definitions and control not in names
    }
    window = WINDOW_DAYS
    earliest_start = min(w.start for w in works)
    data_first, _ = data_range(org.id)
    first = earliest_start - dt.timedelta(days=window + LOOKBACK_DAYS)
    if data_first is not None:
        first = max(first, data_first - dt.timedelta(days=window))
    # Every before window inside the series keeps each measurement on the shared table; its
    # days are NaN when there is no data.
    first = min(first, earliest_start - dt.timedelta(days=window))
    last = max(w.completed_on for w in works) + dt.timedelta(days=window)
    totals = daily_totals(org.id, sorted(needed), first, last)
    plan.series = {m: DailySeries(totals[m], first, window) for m in sorted(needed)}
    return plan


def fingerprint(
    series: DailySeries,
    changed_on: dt.date,
    started_on: dt.date | None,
    lower_is_better: bool,
    material_pct: float = DEFAULT_MATERIAL_PCT,
    controls: dict[str, DailySeries] | None = None,
) -> str:
    """A digest of everything a measurement reads: the same digest, the same answer."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(
        f"{ALGORITHM}|{series.window}|{lower_is_better}|{changed_on}|{started_on}|"
        f"{float(material_pct)!r}|".encode()
    )
    digest.update(series.days_read(changed_on, started_on).tobytes())
    for name, control in sorted((controls or {}).items()):
        digest.update(f"|{name}|".encode())
        digest.update(control.days_read(changed_on, started_on).tobytes())
    return digest.hexdigest()


def confounder_counter(done: Sequence[tuple[int, dt.date]]):
    """Counts the other tasks completed inside a work's before or after window."""
    days = sorted(d.toordinal() for _, d in done)

    def count(work: Work) -> int:
        window = WINDOW_DAYS
        start = work.start.toordinal()
        changed = work.completed_on.toordinal()
        before = bisect.bisect_left(days, start) - bisect.bisect_left(days, start - window)
        after = bisect.bisect_left(days, changed + window) - bisect.bisect_left(days, changed)
        return before + after - 1  # the work itself completed on its first after day

    return count


def _score(result: dict, lower: bool) -> float | None:
    """The least improvement the 95% interval allows, in percent (good direction up)."""
    interval = result.get("ci95_pct")
    if result.get("status") != "measured" or not interval:
        return None
    return -interval[1] if lower else interval[0]


def _store(org: Organization, plan: Plan, confounders, now: dt.datetime) -> Counts:
    """Measures what changed since the last run and writes only the difference."""
    counts = Counts(tasks=len(plan.works))
    task_ids = [w.task_id for w in plan.works]
    existing: dict[tuple[int, str], tuple] = {}
    query = select(
        TaskImpact.id,
        TaskImpact.task_id,
        TaskImpact.metric,
        TaskImpact.fingerprint,
        TaskImpact.confounder_count,
        TaskImpact.status,
    ).where(TaskImpact.organization_id == org.id)
    if len(task_ids) <= _CHUNK:
        query = query.where(TaskImpact.task_id.in_(task_ids or [-1]))
    for row in db.session.execute(query):
        existing[(row.task_id, row.metric)] = row
    if len(task_ids) > _CHUNK:
        wanted_tasks = set(task_ids)
        existing = {k: v for k, v in existing.items() if k[0] in wanted_tasks}

    inserts, updates, compare = [], [], []
    became_measured: list[tuple[int, str]] = []
    kept: set[tuple[int, str]] = set()
    for work in plan.works:
        names = plan.metrics.get(work.category, ())
        if not names:
            continue
        confounded = confounders(work)
        for metric in names:
            key = (work.task_id, metric)
            kept.add(key)
            lower = plan.lower[metric]
            digest = plan.fingerprint(work, metric)
            old = existing.get(key)
            if old is not None and old.fingerprint == digest:
                status = old.status
                if old.confounder_count != confounded:
                    updates.append({"id": old.id, "confounder_count": confounded})
                    counts.changed += 1
            else:
                result = plan.measure(work, metric)
                status = result["status"]
                if status == "measured" and (old is None or old.status != "measured"):
                    became_measured.append(key)
                values = {
                    "status": status,
                    "verdict": result["verdict"],
                    "change_pct": result["change_pct"],
                    "p_value": result["p_value"],
                    "score": _score(result, lower),
                    "confounder_count": confounded,
                    "completed_on": work.completed_on,
                    "result": result,
                    "fingerprint": digest,
                    "measured_at": now,
                }
                if old is None:
                    inserts.append(
                        {
                            "organization_id": org.id,
                            "task_id": work.task_id,
                            "metric": metric,
                            **values,
                        }
                    )
                    counts.changed += 1
                else:
                    compare.append((old, values))
            if status == "measured":
                counts.measured += 1
            else:
                counts.waiting += 1

    # A new fingerprint with the same answer (a figure changed that made no difference) is
    # recorded, but is no change.
    for start in range(0, len(compare), _CHUNK):
        chunk = compare[start : start + _CHUNK]
        before = dict(
            db.session.execute(
                select(TaskImpact.id, TaskImpact.result).where(
                    TaskImpact.id.in_([old.id for old, _ in chunk])
                )
            ).all()
        )
        for old, values in chunk:
            same = before.get(old.id) == values["result"]
            if same:
                values = {
                    "fingerprint": values["fingerprint"],
                    "confounder_count": values["confounder_count"],
                    "completed_on": values["completed_on"],
                }
            if not same or old.confounder_count != values["confounder_count"]:
                counts.changed += 1
            updates.append({"id": old.id, **values})

    gone = [row for key, row in existing.items() if key not in kept]
    stale = [row.id for row in gone]
    counts.changed += len(stale)
    # What earlier work of a kind did (the notes' facts) is its measured impacts alone: rows
    # still waiting for data, or a new confounder count, change nothing there.
    if (
        any(row["status"] == "measured" for row in inserts)
        or any("measured" in (old.status, values["status"]) for old, values in compare)
        or any(row.status == "measured" for row in gone)
    ):
        facts_changed(org.id)
    for start in range(0, len(inserts), _CHUNK):
        db.session.execute(insert(TaskImpact.__table__), inserts[start : start + _CHUNK])
    for start in range(0, len(updates), _CHUNK):
        db.session.execute(update(TaskImpact), updates[start : start + _CHUNK])
    for start in range(0, len(stale), _CHUNK):
        db.session.execute(
            delete(TaskImpact).where(TaskImpact.id.in_(stale[start : start + _CHUNK]))
        )
    if became_measured:
        events.impacts_measured.send(org, impacts=became_measured)
    return counts


def measure_org(org: Organization, now: dt.datetime | None = None) -> Counts:
    """Every done task of one organisation, every linked metric (no commit: the job or the
    request that asked commits)."""
    now = now or utcnow()
    works = done_works(org)
    plan = plan_for(org, works)
    counts = _store(
        org, plan, confounder_counter([(w.task_id, w.completed_on) for w in works]), now
    )
    # Impacts of tasks that are no longer done (reopened) go too.
    gone = db.session.execute(
        delete(TaskImpact).where(
            TaskImpact.organization_id == org.id,
            TaskImpact.task_id.not_in(
                select(Task.id).where(
                    Task.organization_id == org.id,
                    Task.status == "done",
                    Task.completed_at.is_not(None),
                )
            ),
        )
    )
    counts.changed += gone.rowcount or 0
    if gone.rowcount:
        facts_changed(org.id)
    db.session.flush()
    return counts


def measure_task_now(task: Task) -> int:
    """Measures one task (when it reaches done), or forgets its impacts when it is not done.

    Returns how many impacts the task has stored."""
    if task.status != "done" or task.completed_at is None:
        gone = db.session.execute(delete(TaskImpact).where(TaskImpact.task_id == task.id))
        if gone.rowcount:
            facts_changed(task.organization_id)
        return 0
    org = db.session.get(Organization, task.organization_id)
    work = task_work(task, ZoneInfo(org.timezone))
    plan = plan_for(org, [work])
    done = completions_near(org, work, WINDOW_DAYS)
    _store(org, plan, confounder_counter(done), utcnow())
    return len(plan.metrics.get(work.category, ()))
