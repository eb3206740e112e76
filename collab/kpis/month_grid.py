"""The manual-entry grid: one month of one channel, a cell per metric and day."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence

from flask_babel import gettext
from sqlalchemy import select

from collab.kpis.input import Observation, RowErrors
from collab.kpis.recording import parse_upload_rows, record_kpis
from collab.models import Organization
from collab.models.kpis import KpiObservation
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db


def month_values(
    org: Organization, month: dt.date, channel: str, metrics: Sequence[str]
) -> dict[tuple[str, dt.date], float]:
    """Stored values of one channel ('' for all channels) in the month starting at ``month``."""
    last = _month_end(month)
    rows = db.session.execute(
        select(KpiObservation.metric, KpiObservation.day, KpiObservation.value).where(
            KpiObservation.organization_id == org.id,
            KpiObservation.metric.in_(list(metrics)),
            KpiObservation.channel == channel,
            KpiObservation.day.between(month, last),
        )
    )
    return {(m, d): v for m, d, v in rows}


def _month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def month_days(month: dt.date) -> list[dt.date]:
    last = _month_end(month)
    return [month + dt.timedelta(days=i) for i in range((last - month).days + 1)]


def record_month(
    org: Organization, month: dt.date, channel: str, cells: dict[tuple[str, str], str]
) -> dict:
    """The manual-entry grid: cells (metric, 'YYYY-MM-DD') -> typed text. Blank cells are
    left as they are; the rest are checked exactly as a CSV upload is (decimal commas and
    spaces between thousands welcome) and written all or nothing. Errors are named
    "<metric> <date>", as the grid labels its cells."""
    days = {d.isoformat() for d in month_days(month)}
    errors: dict[str, str] = {}
    filled: list[tuple[str, str, str]] = []
    for (metric, day), text in sorted(cells.items()):
        text = " ".join((text or "").split())
        if not text:
            continue
        if day not in days:
            errors[f"{metric} {day}"] = gettext(
                "%(day)s is not a day of this month; fill in the month's own days", day=day
            )
        else:
            filled.append((metric, day, text))
    if not filled and not errors:
        return {"inserted": 0, "updated": 0, "unchanged": 0}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["date", "metric", "value", "channel"])
    for metric, day, text in filled:
        writer.writerow([day, metric, text, channel])
    observations: list[Observation] = []
    try:
        observations = parse_upload_rows(org, buffer.getvalue())
    except RowErrors as error:
        for where, problem in error.fields_said().items():
            line = re.match(r"line (\d+)", where)
            if line and 2 <= int(line.group(1)) <= len(filled) + 1:
                metric, day, _ = filled[int(line.group(1)) - 2]
                errors[f"{metric} {day}"] = problem
            else:
                errors[where] = problem
    if errors:
        raise ValidationFailed(
            gettext("%(count)s cells need fixing; nothing was saved", count=len(errors)), errors
        )
    return record_kpis(org, observations)
