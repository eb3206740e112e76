"""KPI pages: dashboard, imports, manual entry; and the impact shown on task pages."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path

import numpy as np
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from collab.accounts.roles import role_may
from collab.http.access import access
from collab.impacts.completed_work import completed_between
from collab.impacts.ledger import impact_ledger
from collab.impacts.measuring import measure_org
from collab.impacts.metric_map import category_map, metrics_for, set_metrics_for
from collab.impacts.results import impacts_for_task
from collab.kpis import custom_metrics, month_grid, recording, totals
from collab.kpis import input as kpi_input
from collab.kpis.metrics import UNITS, format_short, metric_label, unit_of
from collab.models import Task
from collab.platform.clock import local_today
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.web import charts
from collab.web.impact_text import signed_pct
from collab.work import routing

bp = Blueprint("kpis", __name__, url_prefix="/orgs/<org>/kpis")

# Files up to this many rows import while the browser waits; larger ones in a worker.
SYNC_IMPORT_ROWS = 5_000
RANGES = (90, 180, 365, 730)
DASHBOARD_METRICS = ("leads", "cost_per_lead", "romi")
PREVIEW_ROWS = 20
_TOKEN = re.compile(r"[0-9a-f]{32}")
_TITLES = {
    "leads": "Leads per week",
    "cost_per_lead": "Cost per lead, by week",
    "romi": "ROMI, by week ((revenue − cost) / cost)",
}


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


@bp.app_context_processor
def kpi_helpers():
    return {
        "task_impact_panel": task_impact_panel,
        "metric_label": metric_label,
        "signed_pct": signed_pct,
        "kpi_number": format_short,
    }


# --- the dashboard -------------------------------------------------------------------------


def _dashboard_lines(org_id: int, first: dt.date, last: dt.date) -> dict[str, list]:
    lines: dict[str, list] = {metric: [] for metric in DASHBOARD_METRICS}
    weekly = totals.weekly_by_channel(org_id, DASHBOARD_METRICS, first, last)
    for metric, series in weekly.items():
        for index, (channel, points) in enumerate(series):
            first_line = index == 0  # the all-channels line leads, dashed
            lines[metric].append(
                charts.Line(
                    channel, points, color="#24292f" if first_line else None, dashed=first_line
                )
            )
    return lines


@bp.route("/")
@access("kpi.view")
def dashboard(org: str):
    days = request.args.get("days", 180, type=int)
    days = days if days in RANGES else 180
    _, data_last = totals.data_range(g.org.id)
    today = local_today(g.org.timezone)
    last = min(data_last or today, today)
    first = last - dt.timedelta(days=days - 1)
    zone = _zone()
    done = completed_between(g.org, first, last, zone)
    markers = [
        charts.Marker(
            at.astimezone(zone).date(),
            f"#{task_id} {title}",
            url_for("tasks.show", org=g.org.slug, task_id=task_id),
        )
        for task_id, title, at in done
    ]
    lines = _dashboard_lines(g.org.id, first, last)
    figures = [
        charts.render(
            charts.Chart(
                title=_TITLES[metric],
                first=first,
                last=last,
                lines=lines[metric],
                markers=markers,
                unit=unit_of(metric),
            )
        )
        for metric in DASHBOARD_METRICS
    ]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    ledger, total = impact_ledger(g.org, page)
    return render_template(
        "kpis/dashboard.html",
        org=g.org,
        days=days,
        ranges=RANGES,
        first=first,
        last=last,
        has_data=data_last is not None,
        figures=figures,
        completed=done,
        zone=zone,
        ledger=ledger,
        ledger_total=total,
        page=page,
        per_page=50,
        current=totals.current_figures(g.org, ("leads", "cost_per_lead", "romi")),
        may_write=role_may(g.membership.role, "kpi.write"),
    )


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(g.org.timezone)


@bp.route("/measure", methods=["POST"])
@access("kpi.write")
def measure(org: str):
    """Measure this organisation's impacts now (in a worker when one is there)."""
    try:
        _queue().enqueue_call(
            func="workers.kpi_jobs.measure_org",
            args=(g.org.id,),
            job_id=f"kpi-measure-{g.org.id}-{secrets.token_hex(4)}",
            timeout=1800,
            result_ttl=3600,
        )
        flash("Measuring in the background; the ledger fills in within a minute or so.")
    except Exception:  # Redis is away: do it here and now
        current_app.logger.warning("no queue for the impact job; measuring in the request")
        counts = measure_org(g.org)
        db.session.commit()
        flash(f"Measured: {counts.measured} impacts, {counts.waiting} waiting for data.")
    return redirect(url_for("kpis.dashboard", org=org))


# --- CSV upload ----------------------------------------------------------------------------


def _uploads() -> Path:
    folder = Path(current_app.config["INSTANCE_PATH"]) / "kpi-uploads" / str(g.org.id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("the file is not text", {"file": "save it as CSV (UTF-8)"})


@bp.route("/import")
@access("kpi.write")
def import_form(org: str):
    return render_template("kpis/import.html", org=g.org, errors=None)


@bp.route("/import", methods=["POST"])
@access("kpi.write")
def import_upload(org: str):
    upload = request.files.get("file")
    text = ""
    if upload is not None and upload.filename:
        text = _decode(upload.read())
    elif request.form.get("text", "").strip():
        text = request.form["text"]
    if not text.strip():
        return render_template(
            "kpis/import.html",
            org=g.org,
            errors={"file": "choose a CSV file (or paste its lines)"},
            message="Nothing to import.",
        ), 422
    try:
        observations = recording.parse_upload(g.org, text)
    except ValidationFailed as error:
        return render_template(
            "kpis/import.html", org=g.org, errors=error.fields, message=error.message
        ), 422
    token = secrets.token_hex(16)
    (_uploads() / f"{token}.csv").write_text(text, encoding="utf-8")
    _forget_old_uploads()
    return render_template(
        "kpis/preview.html",
        org=g.org,
        token=token,
        filename=upload.filename if upload is not None and upload.filename else "pasted lines",
        summary=kpi_input.summarise(observations),
        plan=recording.plan_kpis(g.org, observations),
        rows=observations[:PREVIEW_ROWS],
        background=len(observations) > SYNC_IMPORT_ROWS,
    )


def _forget_old_uploads() -> None:
    cutoff = dt.datetime.now().timestamp() - 24 * 3600
    for old in _uploads().glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def _queue():
    from rq import Queue

    from collab.platform.queue import redis_connection

    return Queue("default", connection=redis_connection(timeout=5.0))


def _job_id(token: str) -> str:
    return f"kpi-import-{token}"


@bp.route("/import/confirm", methods=["POST"])
@access("kpi.write")
def import_confirm(org: str):
    token = request.form.get("token", "")
    path = _uploads() / f"{token}.csv"
    if not _TOKEN.fullmatch(token) or not path.exists():
        flash("That upload has expired; please choose the file again.", "error")
        return redirect(url_for("kpis.import_form", org=org))
    text = path.read_text(encoding="utf-8")
    rows = sum(1 for line in text.splitlines() if line.strip()) - 1
    if rows > SYNC_IMPORT_ROWS:
        try:
            _enqueue_import(token, text, rows)
            path.unlink(missing_ok=True)
            return redirect(url_for("kpis.import_job", org=org, token=token))
        except Exception:  # no worker queue: import while the browser waits
            current_app.logger.warning("no queue for the KPI import; importing in the request")
    counts = recording.import_csv(g.org, text)
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(
        f"Imported: {counts['inserted']} new, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged."
    )
    return redirect(url_for("kpis.dashboard", org=org))


def _enqueue_import(token: str, text: str, rows: int) -> None:
    from rq.job import Job

    queue = _queue()
    if Job.exists(_job_id(token), connection=queue.connection):
        return  # confirmed twice: the first one is already on its way
    queue.enqueue_call(
        func="workers.kpi_jobs.import_kpis",
        args=(g.org.id, text),
        job_id=_job_id(token),
        timeout=1800,
        result_ttl=24 * 3600,
        failure_ttl=24 * 3600,
        meta={"org_id": g.org.id, "done": 0, "total": rows, "stage": "queued"},
    )


def _job_state(token: str) -> dict:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    if not _TOKEN.fullmatch(token):
        abort(404)
    try:
        job = Job.fetch(_job_id(token), connection=_queue().connection)
    except NoSuchJobError:
        abort(404)
    meta = job.get_meta(refresh=True)
    if meta.get("org_id") != g.org.id:
        abort(404)  # another organisation's job does not exist here
    status = job.get_status(refresh=False)
    state = {
        "token": token,
        "status": str(getattr(status, "value", status)),
        "stage": meta.get("stage", "queued"),
        "done": int(meta.get("done") or 0),
        "total": int(meta.get("total") or 0),
        "result": None,
        "error": None,
        "fields": {},
    }
    if state["status"] == "finished":
        result = job.return_value() or {}
        if "error" in result:
            state["error"], state["fields"] = result["error"], result.get("fields") or {}
        else:
            state["result"] = result
    elif state["status"] in ("failed", "stopped", "canceled"):
        state["error"] = "the import stopped with an error; nothing was imported"
    state["finished"] = state["result"] is not None or state["error"] is not None
    state["percent"] = (
        100
        if state["finished"]
        else int(100 * state["done"] / state["total"])
        if state["total"]
        else 0
    )
    return state


@bp.route("/import/jobs/<token>")
@access("kpi.write")
def import_job(org: str, token: str):
    state = _job_state(token)
    template = "kpis/_job_progress.html" if _is_htmx() else "kpis/job.html"
    return render_template(template, org=g.org, job=state)


# --- the month grid ------------------------------------------------------------------------


def _month_arg(raw: str | None, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _grid_context(month: dt.date, channel: str, typed: dict | None = None, errors=None) -> dict:
    definitions = custom_metrics.metric_definitions(g.org)
    metrics = [name for name, m in definitions.items() if not m.derived]
    stored = month_grid.month_values(g.org, month, channel, metrics)
    values = {}
    for (metric, day), value in stored.items():
        text = repr(value)  # exact: saving the grid unchanged changes nothing
        values[(metric, day.isoformat())] = text[:-2] if text.endswith(".0") else text
    values.update(typed or {})
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return {
        "org": g.org,
        "month": month,
        "previous": previous,
        "following": following,
        "channel": channel,
        "channels": totals.channels_of(g.org.id),
        "metrics": metrics,
        "days": month_grid.month_days(month),
        "values": values,
        "errors": errors or {},
        "today": local_today(g.org.timezone),
    }


@bp.route("/grid")
@access("kpi.write")
def grid(org: str):
    today = local_today(g.org.timezone)
    month = _month_arg(request.args.get("month"), today)
    channel = (request.args.get("channel") or "").strip().lower()[: kpi_input.MAX_CHANNEL_LENGTH]
    return render_template("kpis/grid.html", **_grid_context(month, channel))


@bp.route("/grid", methods=["POST"])
@access("kpi.write")
def grid_save(org: str):
    today = local_today(g.org.timezone)
    month = _month_arg(request.form.get("month"), today)
    channel = (request.form.get("channel") or "").strip().lower()
    cells = {}
    for key, text in request.form.items():
        if key.startswith("v|"):
            _, metric, day = (key.split("|") + ["", ""])[:3]
            cells[(metric, day)] = text
    try:
        counts = month_grid.record_month(g.org, month, channel, cells)
    except ValidationFailed as error:
        db.session.rollback()
        context = _grid_context(month, channel, typed=cells, errors=error.fields)
        return render_template("kpis/grid.html", message=error.message, **context), 422
    db.session.commit()
    flash(f"Saved: {counts['inserted']} new, {counts['updated']} changed.")
    return redirect(url_for("kpis.grid", org=org, month=month.strftime("%Y-%m"), channel=channel))


# --- the category -> metrics map -----------------------------------------------------------


@bp.route("/map")
@access("kpi.view")
def metric_map(org: str):
    definitions = custom_metrics.metric_definitions(g.org)
    return render_template(
        "kpis/map.html",
        org=g.org,
        categories=[c for c in routing.CATEGORIES.values() if c.slug != routing.UNCATEGORISED],
        chosen=category_map(g.org),
        metrics=list(definitions),
        definitions=definitions,
        units=UNITS,
        may_edit=role_may(g.membership.role, "settings.edit"),
    )


@bp.route("/map", methods=["POST"])
@access("settings.edit")
def metric_map_save(org: str):
    current = category_map(g.org)
    definitions = custom_metrics.metric_definitions(g.org)
    changed = 0
    for category in routing.CATEGORIES:
        if category == routing.UNCATEGORISED:
            continue
        if request.form.get(f"reset|{category}"):
            wanted = routing.CATEGORIES[category].metrics
        else:
            ticked = set(request.form.getlist(f"m|{category}"))
            kept = [m for m in current[category] if m in ticked]
            wanted = tuple(kept + [m for m in definitions if m in ticked and m not in kept])
        if wanted != current[category]:
            set_metrics_for(g.membership, g.org, category, wanted)
            changed += 1
    db.session.commit()
    flash(
        f"Saved {changed} change{'s' if changed != 1 else ''}; impacts follow at the next "
        "measurement."
        if changed
        else "Nothing changed."
    )
    return redirect(url_for("kpis.metric_map", org=org))


@bp.route("/map/metrics", methods=["POST"])
@access("settings.edit")
def define_metric(org: str):
    form = request.form
    custom_metrics.define_metric(
        g.membership,
        g.org,
        form.get("name", ""),
        form.get("unit", ""),
        form.get("lower_is_better") == "1",
    )
    db.session.commit()
    flash(f"Added the metric {form.get('name', '').strip().lower()}.")
    return redirect(url_for("kpis.metric_map", org=org))


# --- the task page's impact panel ----------------------------------------------------------

CHART_HALF_SPAN = 45


def task_impact_panel(task: Task) -> dict:
    """What templates/kpis/task_impact.html shows for a task: its linked metrics and, once
    done, a 90-day chart per metric (windows shaded, completion marked) and the impacts."""
    metrics = metrics_for(task.organization_id, task.category)
    panel = {"metrics": metrics, "done": False, "impacts": [], "charts": []}
    if task.status != "done" or task.completed_at is None:
        return panel
    items, series = impacts_for_task(task, chart_days=CHART_HALF_SPAN)
    units = {
        m.name: m.unit for m in custom_metrics.metric_definitions(task.organization_id).values()
    }
    panel["done"] = True
    panel["impacts"] = items
    zone = _zone_of(task)
    completed = task.completed_at.astimezone(zone).date()
    first = completed - dt.timedelta(days=CHART_HALF_SPAN)
    last = completed + dt.timedelta(days=CHART_HALF_SPAN - 1)
    for item in items:
        values = series.get(item["metric"])
        if values is None:
            continue
        points = []
        for offset in range((last - first).days + 1):
            day = first + dt.timedelta(days=offset)
            index = (day - values.first).days
            value = values.values[index] if 0 <= index < values.values.size else np.nan
            points.append((day, None if np.isnan(value) else float(value)))
        before, after = item["before"], item["after"]
        chart = charts.Chart(
            title=f"{metric_label(item['metric'])}, 90 days around completion",
            first=first,
            last=last,
            lines=[charts.Line("daily total, all channels", points)],
            bands=[
                charts.Band(
                    dt.date.fromisoformat(before["from"]),
                    dt.date.fromisoformat(before["to"]),
                    "before window",
                    color="#6e7781",
                ),
                charts.Band(
                    dt.date.fromisoformat(after["from"]),
                    dt.date.fromisoformat(after["to"]),
                    "after window",
                    color="#1a7f37",
                ),
            ],
            markers=[charts.Marker(completed, f"task #{task.id} completed")],
            unit=units.get(item["metric"], ""),
            height=180,
        )
        panel["charts"].append(charts.render(chart))
    return panel


def _zone_of(task: Task):
    from zoneinfo import ZoneInfo

    org = g.get("org")
    if org is None or org.id != task.organization_id:
        from collab.models import Organization

        org = db.session.get(Organization, task.organization_id)
    return ZoneInfo(org.timezone)
