"""Each organisation's alert policy: read from its settings, validated by the pure rules."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext

from collab.followup.overdue import LEVELS, MAX_DAYS, AlertPolicy
from collab.models import Organization
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db


def policy_of(org: Organization) -> AlertPolicy:
    """The organisation's thresholds and how it counts lateness, as the pure rules take them."""
    holidays = [date.fromisoformat(d) for d in org.alert_holidays.split(",") if d.strip()]
    return AlertPolicy(
        due_soon_days=org.alert_due_soon_days,
        level_days=tuple(int(d) for d in org.alert_level_days.split(",")),
        triage_stale_business_days=org.alert_triage_days,
        business_days=org.alert_business_days,
        holidays=frozenset(holidays),
    )


def set_alert_policy(org: Organization, form: dict) -> None:
    """Each field read and checked on its own, so a refusal names the field and what to write
    (never Python's "month must be in 1..12"); then the pure rules check them together."""
    errors: dict[str, str] = {}
    due_soon = _days(form.get("due_soon_days"), 0, "due_soon_days", errors)
    triage = _days(form.get("triage_days"), 0, "triage_days", errors)
    parts = [p.strip() for p in str(form.get("level_days") or "").split(",")]
    levels = tuple(int(p) if p.isdigit() else -1 for p in parts)
    if len(levels) != len(LEVELS) or not all(1 <= d <= MAX_DAYS for d in levels):
        errors["level_days"] = gettext(
            "write %(count)s numbers of days from 1 to %(max)s, separated by commas, e.g. 1,3,7",
            count=len(LEVELS),
            max=MAX_DAYS,
        )
    elif not levels[0] < levels[1] < levels[2]:
        errors["level_days"] = gettext(
            "make each number of days larger than the one before, e.g. 1,3,7"
        )
    holidays = set()
    for part in str(form.get("holidays") or "").replace("\n", ",").split(","):
        if part.strip():
            try:
                holidays.add(date.fromisoformat(part.strip()))
            except ValueError:
                errors["holidays"] = gettext(
                    "“%(text)s” is not a date: write each holiday as YYYY-MM-DD, "
                    "e.g. 2026-12-25, separated by commas",
                    text=part.strip()[:40],
                )
                break
    if errors:
        raise ValidationFailed(gettext("the alert settings were not changed"), errors)
    try:
        policy = AlertPolicy(
            due_soon_days=due_soon,
            level_days=levels,
            triage_stale_business_days=triage,
            business_days=form.get("business_days") in ("1", "on", True),
            holidays=frozenset(holidays),
        )
    except ValueError as exc:  # what the pure rules refuse together, said as they say it
        raise ValidationFailed(
            gettext("the alert settings were not changed"), {"alerts": str(exc)}
        ) from exc
    org.alert_due_soon_days = policy.due_soon_days
    org.alert_level_days = ",".join(str(d) for d in policy.level_days)
    org.alert_triage_days = policy.triage_stale_business_days
    org.alert_business_days = policy.business_days
    org.alert_holidays = ",".join(sorted(d.isoformat() for d in policy.holidays))
    org.alert_scanned_on = None  # new thresholds: the next scan looks at every open task
    db.session.flush()


def _days(value, low: int, field: str, errors: dict) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or not low <= int(text) <= MAX_DAYS:
        errors[field] = gettext(
            "write a whole number of days from %(low)s to %(max)s", low=low, max=MAX_DAYS
        )
        return low
    return int(text)
