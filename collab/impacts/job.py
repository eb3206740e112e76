"""Every completed task linked, honestly, to the KPI change that followed it.

For each metric its category should move (the organisation's category -> metrics map), the
organisation-wide daily total is compared before and after the work with
``collab.impact.measure_change``: the before window ends when the work started (at completion
when unknown), the after window starts on the day of completion, both in the organisation's
own calendar. An impact waits for data until 90% of the after window's days have data.
Other tasks of the organisation completed inside either window are its confounders.

The impact job (``run_impact``, nightly and on demand; ``measure_task`` when a task is done)
stores one row per (task, metric) with a fingerprint of every input of the measurement, so a
rerun over the same data skips the work and changes nothing, while a changed figure anywhere
in the windows or in the history that calibrates them measures that impact again.

Speed: measuring 10,000 tasks x 3 metrics one measure_change call at a time costs about a
minute, almost all of it rebuilding the same daily series and window table for every call.
``_Series`` builds them once per metric and organisation, works out each impact's
``impact.Evidence`` from them, and hands it to ``impact.assess``, the same judgement
measure_change makes. Whatever it does not cover (work that started after it was completed,
windows beyond the series) goes to measure_change itself, and a test holds the two to
identical answers on random series.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from collab.kpis import statistics as impact
from collab.kpis import store as kpis
from collab.models import Membership, Organization, Task
from collab.models.kpis import CategoryMetrics, TaskImpact
from collab.platform.clock import utcnow
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.work import routing

WINDOW_DAYS = 28
# Part of every fingerprint: a digest of the statistics module itself, so a change to the
# method (a deploy) makes the next run measure every impact again.
ALGORITHM = (
    "measure_change/"
    + hashlib.blake2b(Path(impact.__file__).read_bytes(), digest_size=6).hexdigest()
)
_CHUNK = 2_000

SHORT_LABELS = {
    "leads": "leads",
    "spend": "spend",
    "staff_cost": "staff cost",
    "revenue": "revenue",
    "organic_sessions": "sessions",
    "search_ctr": "CTR",
    "conversion_rate": "conversion",
    "lcp_ms": "LCP",
    "not_found_count": "404s",
    "bounce_rate": "bounce",
    "cost_per_lead": "CPL",
    "romi": "ROMI",
}


# --- the category -> metrics map -----------------------------------------------------------


def category_map(org: Organization | int) -> dict[str, tuple[str, ...]]:
    """Every category's metrics for this organisation (its own choice, else the default)."""
    org_id = org if isinstance(org, int) else org.id
    found = {slug: c.metrics for slug, c in routing.CATEGORIES.items()}
    for row in db.session.scalars(
        select(CategoryMetrics).where(CategoryMetrics.organization_id == org_id)
    ):
        if row.category in found:
            found[row.category] = _split(row.metrics)
    return found


def metrics_for(org: Organization | int, category: str) -> tuple[str, ...]:
    """The metrics a finished task of ``category`` is measured against in this organisation."""
    org_id = org if isinstance(org, int) else org.id
    chosen = db.session.scalar(
        select(CategoryMetrics.metrics).where(
            CategoryMetrics.organization_id == org_id, CategoryMetrics.category == category
        )
    )
    if chosen is not None:
        return _split(chosen)
    found = routing.CATEGORIES.get(category)
    return found.metrics if found else ()


def _split(text: str) -> tuple[str, ...]:
    return tuple(name for name in (text or "").split(",") if name)


def set_metrics_for(
    actor: Membership, org: Organization, category: str, metrics: Sequence[str]
) -> tuple[str, ...]:
    """A director's choice of metrics for a category; the default again removes the choice.

    Existing impacts follow on the next run of the job (rows of dropped metrics go)."""
    if category not in routing.CATEGORIES:
        raise ValidationFailed("unknown category", {"category": "not a category"})
    definitions = kpis.metric_definitions(org)
    chosen = tuple(dict.fromkeys(m.strip().lower() for m in metrics if m and m.strip()))
    unknown = [m for m in chosen if m not in definitions]
    if unknown:
        raise ValidationFailed(
            "the map was not changed", {category: "unknown metric " + ", ".join(unknown)}
        )
    if len(chosen) > 8:
        raise ValidationFailed("the map was not changed", {category: "at most 8 metrics"})
    row = db.session.get(CategoryMetrics, (org.id, category))
    if chosen == routing.CATEGORIES[category].metrics:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(
            CategoryMetrics(
                organization_id=org.id,
                category=category,
                metrics=",".join(chosen),
                updated_by_id=actor.user_id,
            )
        )
    else:
        row.metrics = ",".join(chosen)
        row.updated_by_id = actor.user_id
        row.updated_at = utcnow()
    db.session.flush()
    return chosen


# --- figures -------------------------------------------------------------------------------


def current_figures(org: Organization | int, metrics: Iterable[str]) -> dict[str, float]:
    """The latest organisation-wide daily value of each metric; metrics without data skipped."""
    org_id = org if isinstance(org, int) else org.id
    definitions = kpis.metric_definitions(org_id)
    metrics = [m for m in dict.fromkeys(metrics) if m in definitions]
    if not metrics:
        return {}
    stored = kpis.base_metrics(metrics)
    latest = dict(
        db.session.execute(
            select(kpis.KpiObservation.metric, func.max(kpis.KpiObservation.day))
            .where(
                kpis.KpiObservation.organization_id == org_id,
                kpis.KpiObservation.metric.in_(stored),
            )
            .group_by(kpis.KpiObservation.metric)
        ).all()
    )
    if not latest:
        return {}
    last = max(latest.values())
    first = min(latest.values())
    # Derived figures need their inputs on the same day; a month back is plenty to find one.
    first = min(first, last - dt.timedelta(days=31))
    totals = kpis.daily_totals(org_id, metrics, first, last)
    figures: dict[str, float] = {}
    for metric in metrics:
        known = np.flatnonzero(~np.isnan(totals[metric]))
        if known.size:
            figures[metric] = float(totals[metric][known[-1]])
    return figures


# --- measuring -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Work:
    task_id: int
    category: str
    started_on: dt.date | None
    completed_on: dt.date

    @property
    def start(self) -> dt.date:
        if self.started_on is None or self.started_on > self.completed_on:
            return self.completed_on
        return self.started_on


def _local(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    return moment.astimezone(zone).date()


def _work(task_id, category, started_at, completed_at, zone) -> _Work:
    return _Work(
        task_id,
        category,
        _local(started_at, zone) if started_at is not None else None,
        _local(completed_at, zone),
    )


class _Series:
    """One metric's organisation-wide daily totals, with the window table built once."""

    def __init__(self, values: np.ndarray, first: dt.date, window: int = WINDOW_DAYS) -> None:
        # A window of empty days in front: every window that could reach the first day of
        # data is in the table, and whatever starts earlier has no data anyway.
        values = np.concatenate([np.full(window, np.nan), values])
        self.values = np.where(np.isnan(values), np.nan, values + 0.0)
        self.first = first - dt.timedelta(days=window)
        self.window = window
        self.required = -(-impact.COVERAGE_NUMERATOR * window // impact.COVERAGE_DENOMINATOR)
        self._table: impact._WindowTable | None = None
        self._negatives: np.ndarray | None = None
        self._present: np.ndarray | None = None
        self._covered: np.ndarray | None = None
        self._not_positive: np.ndarray | None = None

    @property
    def table(self) -> impact._WindowTable:
        if self._table is None:
            self._table = impact._WindowTable(self.values, self.first, self.window)
            negative = np.nan_to_num(self.values, nan=0.0) < 0
            self._negatives = np.concatenate([[0], np.cumsum(negative)])
            self._present = np.concatenate([[0], np.cumsum(~np.isnan(self.values))])
        return self._table

    def _span(self, changed_on: dt.date, started_on: dt.date | None) -> tuple[int, int]:
        start = changed_on if started_on is None or started_on > changed_on else started_on
        origin = start - dt.timedelta(days=self.window + impact.LOOKBACK_DAYS)
        end = changed_on + dt.timedelta(days=self.window)
        return (origin - self.first).days, (end - self.first).days

    def fingerprint(self, changed_on: dt.date, started_on: dt.date | None, lower: bool) -> str:
        """A digest of everything measure_change would read for this impact."""
        low, high = self._span(changed_on, started_on)
        part = self.values[max(low, 0) : high]
        if low < 0:
            part = np.concatenate([np.full(-low, np.nan), part])
        digest = hashlib.blake2b(digest_size=16)
        digest.update(f"{ALGORITHM}|{self.window}|{lower}|{changed_on}|{started_on}|".encode())
        digest.update(np.ascontiguousarray(part).tobytes())
        return digest.hexdigest()

    def measure(self, changed_on: dt.date, started_on: dt.date | None, lower: bool) -> dict:
        """Exactly measure_change(...) over this series; see the module docstring."""
        result = self._fast(changed_on, started_on, lower)
        return result if result is not None else self._direct(changed_on, started_on, lower)

    def _direct(self, changed_on: dt.date, started_on: dt.date | None, lower: bool) -> dict:
        low, high = self._span(changed_on, started_on)
        low, high = max(low, 0), min(high, self.values.size)
        present = np.flatnonzero(~np.isnan(self.values[low:high])) + low
        dates = [self.first + dt.timedelta(days=int(i)) for i in present]
        return impact.measure_change(
            dates,
            self.values[present].tolist(),
            changed_on,
            window_days=self.window,
            lower_is_better=lower,
            started_on=started_on,
        )

    def _fast(self, changed_on: dt.date, started_on: dt.date | None, lower: bool) -> dict | None:
        """measure_change over the shared table: the same evidence, worked out from tables
        built once per series, judged by impact.assess; None when the case is one it leaves
        to measure_change itself."""
        window = self.window
        if started_on is not None and started_on > changed_on:
            return None
        start = changed_on if started_on is None else started_on
        gap = (changed_on - start).days
        lookback = impact.LOOKBACK_DAYS
        origin = start - dt.timedelta(days=window + lookback)
        o = (origin - self.first).days  # where measure_change's own series would start
        before_at, after_at = o + lookback, o + lookback + window + gap
        if before_at < 0 or after_at + window > self.values.size:
            return None
        table = self.table
        s = max(o, 0)  # the days before the table starts have no data
        negatives = self._negatives
        evidence = impact.Evidence(
            before_mean=table.mean[before_at],
            before_n=int(table.count[before_at]),
            after_mean=table.mean[after_at],
            after_n=int(table.count[after_at]),
            has_negatives=bool(
                negatives[before_at + window] - negatives[s]
                or negatives[after_at + window] - negatives[after_at]
            ),
            history_days=int(self._present[before_at] - self._present[s]),
            placebo=lambda relative: self._placebo(o, before_at, gap, relative),
            noise=lambda relative: impact._model_standard_error(
                self.values[s:], _TableView(table, s), before_at - s, after_at - s, gap, relative
            ),
        )
        result = impact._empty_result(origin, lookback, lookback + window + gap, window)
        result["warnings"] = []
        return impact.assess(result, evidence, window, lower)

    def _placebo(self, o: int, before_at: int, gap: int, relative: bool) -> np.ndarray | None:
        """_WindowTable.placebo_changes, on the shared table: windows starting before this
        series have no data, so they would have been dropped anyway."""
        window, table = self.window, self.table
        if self._covered is None:
            self._covered = table.count >= self.required
            self._not_positive = table.mean <= 0
        after = np.arange(max(o, 0) + gap + window, before_at + 1)
        before = after - gap - window
        ok = self._covered[after] & self._covered[before]
        after, before = after[ok], before[ok]
        if relative:
            if self._not_positive[after].any() or self._not_positive[before].any():
                return None
            return np.log(table.mean[after] / table.mean[before])
        return table.mean[after] - table.mean[before]


class _TableView:
    """The window table seen from day ``start`` on, as measure_change's noise model reads it
    (the window length, each day's weekday and presence, and the window weights)."""

    weights = impact._WindowTable.weights

    def __init__(self, table: impact._WindowTable, start: int) -> None:
        self.window = table.window
        self.weekday = table.weekday[start:]
        self.present = table.present[start:]


def _score(result: dict, lower: bool) -> float | None:
    """The least improvement the 95% interval allows, in percent (good direction up)."""
    interval = result.get("ci95_pct")
    if result.get("status") != "measured" or not interval:
        return None
    return -interval[1] if lower else interval[0]


@dataclass
class _Counts:
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

    def add(self, other: _Counts) -> None:
        self.tasks += other.tasks
        self.measured += other.measured
        self.waiting += other.waiting
        self.changed += other.changed


@dataclass
class _Plan:
    works: list[_Work]
    metrics: dict[str, tuple[str, ...]]  # task's category -> metrics it is measured against
    lower: dict[str, bool]
    series: dict[str, _Series] = field(default_factory=dict)


def _plan(org: Organization, works: list[_Work], extra_days: int = 0) -> _Plan:
    definitions = kpis.metric_definitions(org)
    categories = category_map(org)
    metrics = {
        c: tuple(m for m in categories.get(c, ()) if m in definitions)
        for c in {w.category for w in works}
    }
    plan = _Plan(works, metrics, {m: d.lower_is_better for m, d in definitions.items()})
    needed = sorted({m for names in metrics.values() for m in names})
    if not works or not needed:
        return plan
    window, lookback = WINDOW_DAYS, impact.LOOKBACK_DAYS
    earliest_start = min(w.start for w in works)
    data_first, _ = kpis.data_range(org.id)
    first = earliest_start - dt.timedelta(days=window + lookback)
    if data_first is not None:
        first = max(first, data_first - dt.timedelta(days=window))
    # The before window must lie inside the table; its days are NaN when there is no data.
    first = min(first, earliest_start - dt.timedelta(days=window))
    last = max(w.completed_on for w in works) + dt.timedelta(days=window + extra_days)
    totals = kpis.daily_totals(org.id, needed, first, last)
    plan.series = {m: _Series(totals[m], first) for m in needed}
    return plan


def _confounder_counter(done: Sequence[tuple[int, dt.date]]):
    """Counts the other tasks completed inside a work's before or after window."""
    days = sorted(d.toordinal() for _, d in done)

    def count(work: _Work) -> int:
        window = WINDOW_DAYS
        start = work.start.toordinal()
        changed = work.completed_on.toordinal()
        before = bisect.bisect_left(days, start) - bisect.bisect_left(days, start - window)
        after = bisect.bisect_left(days, changed + window) - bisect.bisect_left(days, changed)
        return before + after - 1  # the work itself completed on its first after day

    return count


def _store(org: Organization, plan: _Plan, confounders, now: dt.datetime) -> _Counts:
    """Measures what changed since the last run and writes only the difference."""
    counts = _Counts(tasks=len(plan.works))
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
            series = plan.series[metric]
            fingerprint = series.fingerprint(work.completed_on, work.started_on, lower)
            old = existing.get(key)
            if old is not None and old.fingerprint == fingerprint:
                status = old.status
                if old.confounder_count != confounded:
                    updates.append({"id": old.id, "confounder_count": confounded})
                    counts.changed += 1
            else:
                result = series.measure(work.completed_on, work.started_on, lower)
                status = result["status"]
                values = {
                    "status": status,
                    "verdict": result["verdict"],
                    "change_pct": result["change_pct"],
                    "p_value": result["p_value"],
                    "score": _score(result, lower),
                    "confounder_count": confounded,
                    "completed_on": work.completed_on,
                    "result": result,
                    "fingerprint": fingerprint,
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

    stale = [row.id for key, row in existing.items() if key not in kept]
    counts.changed += len(stale)
    for start in range(0, len(inserts), _CHUNK):
        db.session.execute(insert(TaskImpact.__table__), inserts[start : start + _CHUNK])
    for start in range(0, len(updates), _CHUNK):
        db.session.execute(update(TaskImpact), updates[start : start + _CHUNK])
    for start in range(0, len(stale), _CHUNK):
        db.session.execute(
            delete(TaskImpact).where(TaskImpact.id.in_(stale[start : start + _CHUNK]))
        )
    return counts


def _done_works(org: Organization) -> list[_Work]:
    zone = ZoneInfo(org.timezone)
    rows = db.session.execute(
        select(Task.id, Task.category, Task.started_at, Task.completed_at)
        .where(
            Task.organization_id == org.id,
            Task.status == "done",
            Task.completed_at.is_not(None),
        )
        .order_by(Task.id)
    )
    return [_work(*row, zone) for row in rows]


def measure_org(org: Organization, now: dt.datetime | None = None) -> _Counts:
    """The job for one organisation (no commit): every done task, every linked metric."""
    now = now or utcnow()
    works = _done_works(org)
    plan = _plan(org, works)
    counts = _store(
        org, plan, _confounder_counter([(w.task_id, w.completed_on) for w in works]), now
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
    db.session.flush()
    return counts


def run_impact(now: dt.datetime | None = None) -> str:
    """The impact job: every done task of every organisation, measured where data changed.

    Commits after each organisation and answers one line for `flask jobs run impact`."""
    now = now or utcnow()
    org_ids = db.session.scalars(
        select(Task.organization_id)
        .where(Task.status == "done", Task.completed_at.is_not(None))
        .union(select(TaskImpact.organization_id))
    ).all()
    total = _Counts()
    for org_id in sorted(set(org_ids)):
        total.add(_with_one_retry(lambda org_id=org_id: _measure_and_commit(org_id, now)))
    return total.line()


def _measure_and_commit(org_id: int, now: dt.datetime) -> _Counts:
    counts = measure_org(db.session.get(Organization, org_id), now)
    db.session.commit()
    return counts


def _with_one_retry(work):
    """Two runs measuring the same new impacts at once: the unique key (task, metric) stops
    the second writer; once the first has committed, a retry finds its rows and moves on."""
    try:
        return work()
    except IntegrityError:
        db.session.rollback()
        return work()


def measure_task(task_id: int) -> int:
    """Measures one task now (when it reaches done); idempotent. Commits.

    Returns how many impacts the task has stored (0 when it is not done)."""
    task = db.session.get(Task, task_id)
    if task is None:
        return 0
    org = db.session.get(Organization, task.organization_id)
    if task.status != "done" or task.completed_at is None:
        db.session.execute(delete(TaskImpact).where(TaskImpact.task_id == task.id))
        db.session.commit()
        return 0
    zone = ZoneInfo(org.timezone)
    work = _work(task.id, task.category, task.started_at, task.completed_at, zone)

    def measure() -> int:
        plan = _plan(org, [work])
        done = _completions_near(org, work, zone)
        _store(org, plan, _confounder_counter(done), utcnow())
        db.session.commit()
        return len(plan.metrics.get(work.category, ()))

    return _with_one_retry(measure)


def _completions_near(org: Organization, work: _Work, zone: ZoneInfo) -> list[tuple[int, dt.date]]:
    low = utc_midnight(work.start - dt.timedelta(days=WINDOW_DAYS), zone)
    high = utc_midnight(work.completed_on + dt.timedelta(days=WINDOW_DAYS), zone)
    rows = db.session.execute(
        select(Task.id, Task.completed_at).where(
            Task.organization_id == org.id,
            Task.status == "done",
            Task.completed_at >= low,
            Task.completed_at < high,
        )
    )
    found = [(task_id, _local(at, zone)) for task_id, at in rows]
    if all(task_id != work.task_id for task_id, _ in found):
        found.append((work.task_id, work.completed_on))
    return found


def on_task_done(task: Task) -> None:
    """Hook for the moment a task reaches done: cheap. Its stored impacts (a task done
    before, reopened and done again) are marked stale so the next measurement redoes them;
    measuring itself happens in the job (measure_task through the outbox, or the nightly run)."""
    if task.id is not None:
        db.session.execute(
            update(TaskImpact).where(TaskImpact.task_id == task.id).values(fingerprint="")
        )


# --- reading impacts -----------------------------------------------------------------------


def utc_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), zone).astimezone(dt.UTC)


def confounders_of(task: Task, result: dict, zone: ZoneInfo) -> list[int]:
    """Ids of the organisation's other tasks completed inside either window of an impact."""
    spans = []
    for name in ("before", "after"):
        first = dt.date.fromisoformat(result[name]["from"])
        last = dt.date.fromisoformat(result[name]["to"])
        spans.append(
            and_(
                Task.completed_at >= utc_midnight(first, zone),
                Task.completed_at < utc_midnight(last + dt.timedelta(days=1), zone),
            )
        )
    return list(
        db.session.scalars(
            select(Task.id)
            .where(
                Task.organization_id == task.organization_id,
                Task.status == "done",
                Task.id != task.id,
                or_(*spans),
            )
            .order_by(Task.id)
        )
    )


def impacts_for_task(task: Task, chart_days: int = 0) -> tuple[list[dict], dict[str, _Series]]:
    """The task's impacts measured now from the current data (what the API and the task page
    show; the job stores the same), and the series they came from. [] unless done."""
    if task.status != "done" or task.completed_at is None:
        return [], {}
    org = db.session.get(Organization, task.organization_id)
    zone = ZoneInfo(org.timezone)
    work = _work(task.id, task.category, task.started_at, task.completed_at, zone)
    plan = _plan(org, [work], extra_days=chart_days)
    items = []
    confounders: list[int] | None = None
    for metric in plan.metrics.get(work.category, ()):
        series = plan.series[metric]
        result = series.measure(work.completed_on, work.started_on, plan.lower[metric])
        if confounders is None:
            confounders = confounders_of(task, result, zone)
        warnings = list(result["warnings"])
        if confounders:
            shown = ", ".join(f"#{i}" for i in confounders[:10])
            more = f" and {len(confounders) - 10} more" if len(confounders) > 10 else ""
            noun = "task was" if len(confounders) == 1 else "tasks were"
            warnings.append(
                f"{len(confounders)} other {noun} completed inside these windows "
                f"({shown}{more}); part of the change may be theirs"
            )
        items.append(
            {
                "metric": metric,
                **{k: v for k, v in result.items() if k != "warnings"},
                "confounders": confounders,
                "warnings": warnings,
            }
        )
    return items, plan.series


def measured_for_task(task: Task) -> list[dict]:
    """This task's measured impacts as stored by the job: {"metric", "change_pct", "verdict"}."""
    if task.status != "done":
        return []
    rows = db.session.execute(
        select(TaskImpact.metric, TaskImpact.change_pct, TaskImpact.verdict)
        .where(TaskImpact.task_id == task.id, TaskImpact.status == "measured")
        .order_by(TaskImpact.id)
    )
    return [{"metric": m, "change_pct": c, "verdict": v} for m, c, v in rows]


def history_for_category(
    org: Organization | int, category: str, exclude_task_id: int | None = None
) -> list[dict]:
    """Measured impacts of the organisation's earlier completed tasks of this category
    (completed before the excluded task, when that one is complete), oldest first."""
    org_id = org if isinstance(org, int) else org.id
    query = (
        select(TaskImpact.metric, TaskImpact.change_pct, TaskImpact.verdict)
        .join(Task, Task.id == TaskImpact.task_id)
        .where(
            TaskImpact.organization_id == org_id,
            TaskImpact.status == "measured",
            Task.category == category,
            Task.status == "done",
        )
        .order_by(TaskImpact.completed_on, TaskImpact.task_id, TaskImpact.id)
    )
    if exclude_task_id is not None:
        query = query.where(TaskImpact.task_id != exclude_task_id)
        excluded = db.session.get(Task, exclude_task_id)
        if excluded is not None and excluded.completed_at is not None:
            query = query.where(Task.completed_at < excluded.completed_at)
    return [{"metric": m, "change_pct": c, "verdict": v} for m, c, v in db.session.execute(query)]


def badge_text(metric: str, change_pct: float | None, verdict: str) -> str:
    label = SHORT_LABELS.get(metric, metric.replace("_", " "))
    if verdict == "no_change" or change_pct is None:
        return f"{label}: no clear change"
    return f"{label} {_signed_pct(change_pct)}"


def _signed_pct(value: float) -> str:
    rounded = round(value) if abs(value) >= 1 else round(value, 1)
    return f"{'+' if rounded > 0 else ''}{rounded:g}%".replace("-", "\u2212")


def best_impacts(task_ids: Iterable[int]) -> dict[int, dict]:
    """One query: each task's most significant measured impact, {"metric", "change_pct",
    "verdict"} by task id: what its card's badge says, and in which colour.

    Significant changes (improved or worsened) win over unclear ones, then the smallest
    p-value, then the largest change."""
    ids = sorted(set(task_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            TaskImpact.task_id,
            TaskImpact.metric,
            TaskImpact.change_pct,
            TaskImpact.verdict,
            TaskImpact.p_value,
        )
        .join(Task, Task.id == TaskImpact.task_id)
        .where(
            TaskImpact.task_id.in_(ids),
            TaskImpact.status == "measured",
            Task.status == "done",  # a reopened task's old impacts wait for the next run
        )
    )
    best: dict[int, tuple] = {}
    for task_id, metric, change, verdict, p_value in rows:
        rank = (
            verdict not in ("improved", "worsened"),
            p_value if p_value is not None else 2.0,
            -abs(change) if change is not None else 0.0,
            metric,
        )
        if task_id not in best or rank < best[task_id][0]:
            best[task_id] = (rank, {"metric": metric, "change_pct": change, "verdict": verdict})
    return {task_id: impact for task_id, (_, impact) in best.items()}


def impact_ledger(org: Organization, page: int = 1, per_page: int = 50) -> tuple[list[dict], int]:
    """Measured impacts of completed work, best first by the improvement their 95% interval
    vouches for; confounded ones flagged. Returns one page and the total."""
    definitions = kpis.metric_definitions(org)
    where = (
        TaskImpact.organization_id == org.id,
        TaskImpact.status == "measured",
        Task.status == "done",
    )
    total = db.session.scalar(
        select(func.count())
        .select_from(TaskImpact)
        .join(Task, Task.id == TaskImpact.task_id)
        .where(*where)
    )
    rows = db.session.execute(
        select(TaskImpact, Task.title, Task.category)
        .join(Task, Task.id == TaskImpact.task_id)
        .where(*where)
        .order_by(
            TaskImpact.score.is_(None),
            TaskImpact.score.desc(),
            TaskImpact.completed_on.desc(),
            TaskImpact.id,
        )
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    items = []
    for row, title, category in rows:
        definition = definitions.get(row.metric)
        items.append(
            {
                "task_id": row.task_id,
                "title": title,
                "category": category,
                "metric": row.metric,
                "completed_on": row.completed_on,
                "change_pct": row.change_pct,
                "ci95_pct": row.result.get("ci95_pct"),
                "p_value": row.p_value,
                "verdict": row.verdict,
                "score": row.score,
                "confounder_count": row.confounder_count,
                "lower_is_better": bool(definition and definition.lower_is_better),
            }
        )
    return items, int(total or 0)


def signed_pct(value: float | None) -> str:
    """12.04 -> "+12%", -0.52 -> "−0.5%"; for templates."""
    if value is None or not math.isfinite(value):
        return "—"
    return _signed_pct(value)


def completed_between(org: Organization, first: dt.date, last: dt.date, zone: ZoneInfo):
    """(id, title, completed_at) of the organisation's work finished in those local days,
    newest first: the marks on the dashboard's timeline."""
    return db.session.execute(
        select(Task.id, Task.title, Task.completed_at)
        .where(
            Task.organization_id == org.id,
            Task.status == "done",
            Task.completed_at >= utc_midnight(first, zone),
            Task.completed_at < utc_midnight(last + dt.timedelta(days=1), zone),
        )
        .order_by(Task.completed_at.desc())
        .limit(200)
    ).all()
