"""Slack: an incoming-webhook URL per organisation for the directors' channel and each
team's. New triage items go to the directors; escalations (overdue levels 2 and 3) to the
directors and the task's team; measured impacts to the task's team and the directors. Each
message is Block Kit, written in the transaction of what it tells and posted by the relay
(collab.integrations.slack_relay), so a change that rolls back posts nothing."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from collab.impacts.wording import clear, impact_summary
from collab.integrations import webhooks
from collab.kpis.metrics import format_change, metric_label
from collab.models import Alert, Organization, Recommendation, Task
from collab.models.accounts import TEAM_LABELS, UNROUTED
from collab.models.integrations import SlackChannel, SlackMessage
from collab.models.kpis import TaskImpact
from collab.platform.clock import local_today, utcnow
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.platform.links import link
from collab.work import events

AUDIENCES = {"directors": "Directors", "it": "IT", "marketing": "Marketing"}
ESCALATION_LEVELS = (2, 3)
MEASURED_SHOWN = 10


def channels_of(org: Organization | int) -> dict[str, SlackChannel]:
    org_id = org if isinstance(org, int) else org.id
    return {
        c.audience: c
        for c in db.session.scalars(
            select(SlackChannel).where(SlackChannel.organization_id == org_id)
        )
    }


def set_channel(org: Organization, audience: str, url: str) -> SlackChannel | None:
    """Sets (or, with an empty URL, removes) the incoming webhook of one audience; the URL is
    checked as a webhook's is (http(s), and no private address in production)."""
    if audience not in AUDIENCES:
        raise ValidationFailed(
            gettext("unknown channel"),
            {"audience": gettext("choose directors, it or marketing")},
        )
    current = channels_of(org).get(audience)
    if not (url or "").strip():
        if current is not None:
            db.session.delete(current)
            db.session.flush()
        return None
    checked = webhooks.check_url(url)
    if current is None:
        current = SlackChannel(organization_id=org.id, audience=audience, url=checked)
        db.session.add(current)
    current.url = checked
    db.session.flush()
    return current


def shown(url: str) -> str:
    """Enough of a URL to recognise it: the rest is the credential."""
    head, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    return f"{head}://{host}/{path.split('/')[0]}/…" if path else url


def escape(text: str) -> str:
    """Slack mrkdwn's three control characters, so a title cannot mention @channel or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks(fallback: str, headline: str, details: Iterable[str], url: str, label: str) -> dict:
    context = [{"type": "mrkdwn", "text": d} for d in list(details)[:10] if d]
    message = {
        "text": fallback,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": headline}}],
    }
    if context:
        message["blocks"].append({"type": "context", "elements": context})
    message["blocks"].append(
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": label}, "url": url}
            ],
        }
    )
    return message


def queue(org_id: int, audiences: Iterable[str], message: dict, now: datetime) -> int:
    channels = channels_of(org_id)
    chosen = [channels[a] for a in dict.fromkeys(audiences) if a in channels]
    body = json.dumps(message, ensure_ascii=True, separators=(",", ":"))
    db.session.add_all(
        SlackMessage(
            organization_id=org_id, channel_id=c.id, body=body, created_at=now, next_attempt_at=now
        )
        for c in chosen
    )
    db.session.flush()
    return len(chosen)


def _task_url(org: Organization, task: Task) -> str:
    return link("tasks.show", current_app.config["BASE_URL"], org=org.slug, task_id=task.id)


def _has_channels() -> set[int]:
    return set(db.session.scalars(select(SlackChannel.organization_id).distinct()))


@events.recommendation_filed.connect
def _new_in_triage(recommendation: Recommendation, **_) -> None:
    org = recommendation.organization
    if "directors" not in channels_of(org):
        return
    task = recommendation.tasks[0]
    teams = ", ".join(str(TEAM_LABELS.get(t.team, UNROUTED)) for t in recommendation.tasks)
    title = escape(recommendation.title)
    message = blocks(
        f"New in triage: {recommendation.title}",
        f"*New in triage:* <{_task_url(org, task)}|{title}>",
        [
            f"Routed to {teams}: {escape(task.routing_reason or '')}",
            f"Priority {recommendation.priority}, due {task.due_date or 'not set'}",
        ],
        _task_url(org, task),
        "Triage it",
    )
    queue(org.id, ["directors"], message, utcnow())


@events.alerts_raised.connect
def _escalations(_sender, *, batch, **__) -> None:
    orgs = _has_channels()
    if not orgs:
        return
    rows = db.session.execute(
        select(Alert, Task)
        .join(Task, Task.id == Alert.task_id)
        .where(
            batch,
            Alert.organization_id.in_(orgs),
            Alert.kind == "overdue",
            Alert.level.in_(ESCALATION_LEVELS),
        )
        .order_by(Alert.id)
    )
    now = utcnow()
    for alert, task in rows:
        org = db.session.get(Organization, alert.organization_id)
        late = (local_today(org.timezone, now) - alert.due_date).days
        who = task.assignee.email if task.assignee else "no one assigned"
        message = blocks(
            f"Overdue, level {alert.level}: {task.title}",
            f"*Overdue, level {alert.level}:* <{_task_url(org, task)}|{escape(task.title)}>",
            [
                f"{late} days late (due {alert.due_date})",
                f"{TEAM_LABELS.get(task.team, UNROUTED)}: {who}",
            ],
            _task_url(org, task),
            "Open the task",
        )
        queue(org.id, ["directors", task.team or "directors"], message, now)


@events.impacts_measured.connect
def _measured(org: Organization, *, impacts: list[tuple[int, str]], **_) -> None:
    """One message per impact, at most MEASURED_SHOWN a run (a first run over years of work
    measures thousands at once), then one that counts the rest."""
    if not channels_of(org):
        return
    now = utcnow()
    wanted = sorted(set(impacts))
    shown_here = wanted[:MEASURED_SHOWN]
    rows = db.session.execute(
        select(TaskImpact, Task)
        .join(Task, Task.id == TaskImpact.task_id)
        .where(TaskImpact.task_id.in_({task_id for task_id, _ in shown_here}))
        .order_by(TaskImpact.task_id, TaskImpact.id)
    )
    for impact, task in rows:
        if (task.id, impact.metric) not in shown_here:
            continue
        result = {**impact.result, "verdict": impact.verdict}
        interval = result.get("ci95_pct")
        summary = impact_summary(result)
        # Only a clear change is said as a move, in bold; no clear change and an inconclusive
        # result lead with those words, so a small or uncertain figure never reads as a win.
        metric = metric_label(impact.metric)
        plain = f"{metric} {summary}" if clear(impact.verdict) else f"{metric}: {summary}"
        said = f"moved {metric} *{summary}*" if clear(impact.verdict) else plain
        message = blocks(
            f"Measured: {task.title}: {plain}",
            f"*Measured:* <{_task_url(org, task)}|{escape(task.title)}> {said}",
            [
                f"95% interval {format_change(interval[0])} to {format_change(interval[1])}"
                if interval
                else "",
                "Measured over the 28 days before and after the work",
            ],
            _task_url(org, task),
            "See the impact",
        )
        queue(org.id, [task.team or "directors", "directors"], message, now)
    if len(wanted) > MEASURED_SHOWN:
        more = len(wanted) - MEASURED_SHOWN
        board = link("board.board", current_app.config["BASE_URL"], org=org.slug)
        message = blocks(
            f"{more} more impacts measured",
            f"*{more} more impacts measured* in this run",
            [],
            board,
            "Open the board",
        )
        queue(org.id, ["directors"], message, now)
