"""Each organisation's alert policy: read from its settings, validated by the pure rules."""

from __future__ import annotations

from datetime import date

from collab.followup.overdue import AlertPolicy
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
    """Validated through collab.followup.overdue's own rules, so nonsense never reaches a scan."""
    errors: dict[str, str] = {}
    try:
        levels = tuple(int(part) for part in str(form.get("level_days", "")).split(","))
        holidays = frozenset(
            date.fromisoformat(part.strip())
            for part in str(form.get("holidays", "")).replace("\n", ",").split(",")
            if part.strip()
        )
        policy = AlertPolicy(
            due_soon_days=int(form.get("due_soon_days", "")),
            level_days=levels,
            triage_stale_business_days=int(form.get("triage_days", "")),
            business_days=form.get("business_days") in ("1", "on", True),
            holidays=holidays,
        )
    except (TypeError, ValueError) as exc:
        errors["alerts"] = str(exc) or "numbers of days, e.g. 1,3,7; holidays as YYYY-MM-DD"
    if errors:
        raise ValidationFailed("the alert settings were not changed", errors)
    org.alert_due_soon_days = policy.due_soon_days
    org.alert_level_days = ",".join(str(d) for d in policy.level_days)
    org.alert_triage_days = policy.triage_stale_business_days
    org.alert_business_days = policy.business_days
    org.alert_holidays = ",".join(sorted(d.isoformat() for d in policy.holidays))
    org.alert_scanned_on = None  # new thresholds: the next scan looks at every open task
    db.session.flush()
