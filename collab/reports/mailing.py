"""The monthly report by e-mail: on the organisation's first working day of a month (its own
calendar: weekends and its holidays skipped), from 07:00 local time, last month's report goes
to both directors and the agency contacts, through the e-mail outbox; the directors who
linked Telegram and want digests there get a note with its link.

The job runs every hour; a row per (organisation, month) makes the e-mail go once however
often it runs, and a scheduler that was down on the day catches up within the week."""

from __future__ import annotations

import datetime as dt
from functools import partial
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from collab.followup.policy import policy_of
from collab.impacts.wording import impact_summary
from collab.kpis.metrics import format_change, format_full, metric_label, unit_of
from collab.models import Organization
from collab.models.accounts import DIRECTOR_ROLES, TEAM_LABELS
from collab.models.integrations import MonthlyReportMailing
from collab.notifications import telegram_texts
from collab.notifications.inbox import members_with_roles
from collab.notifications.outbox import queue_email
from collab.notifications.telegram_outbox import queue_digest_notes
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.platform.i18n import speaking
from collab.platform.links import link
from collab.platform.transactions import savepoint
from collab.reports.monthly import monthly_report
from collab.reports.months import Month, month_of

SEND_FROM_HOUR = 7
CATCH_UP_DAYS = 7  # a report not sent on its day still goes within this many days


def first_working_day(first: dt.date, holidays: frozenset[dt.date]) -> dt.date:
    day = first
    while day.weekday() >= 5 or day in holidays:
        day += dt.timedelta(days=1)
    return day


def due_month(org: Organization, now: dt.datetime) -> Month | None:
    """The month whose report is due now, or None."""
    zone = ZoneInfo(org.timezone)
    local = now.astimezone(zone)
    this = month_of(local.date(), zone)
    day = first_working_day(this.first, policy_of(org).holidays)
    if local.date() < day or (local.date() == day and local.hour < SEND_FROM_HOUR):
        return None
    if (local.date() - day).days > CATCH_UP_DAYS:
        return None
    previous = this.previous(zone)
    return previous if org.created_at < previous.end else None


def send_monthly_reports(now: dt.datetime | None = None) -> int:
    """Queues the reports that are due; answers how many organisations' reports went.
    Commits after each organisation."""
    now = now or utcnow()
    sent = 0
    orgs = db.session.scalars(
        select(Organization).where(Organization.kind == "client").order_by(Organization.id)
    ).all()
    for org in orgs:
        month = due_month(org, now)
        if month is None or _already_sent(org, month):
            continue
        try:
            with savepoint():
                db.session.add(MonthlyReportMailing(organization_id=org.id, month=month.first))
                db.session.flush()
                _queue(org, month, now)
        except IntegrityError:  # another run got there first
            db.session.rollback()
            continue
        db.session.commit()
        sent += 1
    return sent


def _already_sent(org: Organization, month: Month) -> bool:
    return (
        db.session.scalar(
            select(MonthlyReportMailing.id).where(
                MonthlyReportMailing.organization_id == org.id,
                MonthlyReportMailing.month == month.first,
            )
        )
        is not None
    )


def _queue(org: Organization, month: Month, now: dt.datetime) -> None:
    readers = members_with_roles(org, (*DIRECTOR_ROLES, "agency"))
    if not readers:
        return
    report = monthly_report(org, month, now)
    for reader in readers:  # each in their own language: the figures are the same
        with speaking(reader.language):
            subject = gettext(
                "collab: %(org)s, the report for %(month)s", org=org.name, month=month.label
            )
            body = report_text(org, month, report)
        queue_email(reader.email, subject, body, org=org, user=reader)
    # The directors who linked Telegram and want digests there get a note with the link.
    url = link("reports.monthly", current_app.config["BASE_URL"], org=org.slug, month=month.label)
    queue_digest_notes(
        members_with_roles(org, DIRECTOR_ROLES),
        partial(telegram_texts.monthly_report, org.name, month.label, url),
        org,
    )


def report_text(org: Organization, month: Month, report: dict) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    done = gettext("Tasks done: %(n)s", n=report["done"])
    if report["median_days_to_done"] is not None:
        days = f"{report['median_days_to_done']:g}"
        done += " " + gettext("(median %(days)s days from filing)", days=days)
    lines = [
        f"{org.name}: {month.label} ({report['timezone']})",
        "",
        gettext("Recommendations filed: %(n)s", n=report["filed"]),
        done,
        gettext("Open and late at the end of the month: %(n)s", n=report["overdue"]),
    ]
    for team in ("it", "marketing"):
        figures = report["by_team"][team]
        lines.append(
            "  "
            + gettext(
                "%(team)s: %(filed)s filed, %(done)s done, %(late)s late at the end",
                team=str(TEAM_LABELS[team]),
                filed=figures["filed"],
                done=figures["done"],
                late=figures["overdue"],
            )
        )
    if report["kpis"]:
        lines += ["", gettext("KPIs against the month before:")]
        for kpi in report["kpis"]:
            unit = unit_of(kpi["metric"])
            value = "—" if kpi["value"] is None else format_full(kpi["value"], unit)
            change = "" if kpi["change_pct"] is None else f" ({format_change(kpi['change_pct'])})"
            label = str(metric_label(kpi["metric"]))
            lines.append(f"  {label[:1].upper()}{label[1:]}: {value}{change}")
    if report["impacts"]:
        lines += ["", gettext("Impacts measured this month:")]
        for impact in report["impacts"]:
            task = gettext("task #%(id)s", id=impact["task_id"])
            lines.append(f"  {task}, {metric_label(impact['metric'])}: {impact_summary(impact)}")
    query = f"?month={month.label}"
    lines += [
        "",
        gettext(
            "The full report, with charts: %(url)s",
            url=f"{base}/orgs/{org.slug}/reports/monthly{query}",
        ),
        gettext(
            "The month's tasks as CSV: %(url)s",
            url=f"{base}/orgs/{org.slug}/reports/monthly.csv{query}",
        ),
    ]
    return "\n".join(lines) + "\n"
