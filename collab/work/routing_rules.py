"""Directors' own routing rules and due-date policy, and how well routing is kept."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from collab.models import PRIORITIES, Event, Membership, Organization, RoutingRule, Task
from collab.platform.errors import N_, Refusal, ValidationFailed
from collab.platform.extensions import db
from collab.platform.tenancy import row_of
from collab.platform.transactions import savepoint
from collab.work import routing


def rules_of(org: Organization) -> list[RoutingRule]:
    return list(
        db.session.scalars(
            select(RoutingRule)
            .where(RoutingRule.organization_id == org.id)
            .order_by(RoutingRule.id)
        )
    )


def add_rule(org: Organization, actor: Membership, phrase: str, category=None, team=None):
    phrase = (phrase or "").strip()
    not_added = gettext("the rule was not added")
    if not (category or team):
        raise ValidationFailed(not_added, {"team": gettext("choose a category, a team, or both")})
    try:
        routing.Rule(phrase=phrase, category=category or None, team=team or None)
    except Refusal as exc:
        raise ValidationFailed(not_added, {"phrase": exc.said()}) from exc
    except ValueError as exc:  # an unknown category: the form's list never sends one
        raise ValidationFailed(not_added, {"phrase": str(exc)}) from exc
    if routing.strip_links(phrase) != phrase:
        # Routing reads words and skips links, so a rule naming an address would never match.
        raise ValidationFailed(
            not_added,
            {
                "phrase": gettext(
                    "routing skips links and addresses; name the words of the work instead"
                )
            },
        )
    exists = ValidationFailed(
        not_added,
        {
            "phrase": gettext(
                "there is already a rule for this phrase; remove it first to change it"
            )
        },
    )
    if db.session.scalar(
        select(RoutingRule.id).where(
            RoutingRule.organization_id == org.id, func.lower(RoutingRule.phrase) == phrase.lower()
        )
    ):
        raise exists
    rule = RoutingRule(
        organization_id=org.id,
        phrase=phrase,
        category=category or None,
        team=team or None,
        created_by_id=actor.user_id,
    )
    try:
        with savepoint():
            db.session.add(rule)
            db.session.flush()
    except IntegrityError:
        # The same phrase, added by another director a moment ago: the stored unique key
        # refused this copy alone.
        raise exists from None
    return rule


def delete_rule(org: Organization, rule_id: int) -> None:
    db.session.delete(
        row_of(
            org.id,
            RoutingRule,
            rule_id,
            N_(
                "there is no routing rule #%(id)s here (it may be removed already); reload the page"
            ),
        )
    )
    db.session.flush()


def set_due_policy(org: Organization, days: dict) -> None:
    errors = {}
    parsed = {}
    for priority in PRIORITIES:
        try:
            value = int(days.get(priority, ""))
            if not 0 <= value <= 365:
                raise ValueError
            parsed[priority] = value
        except (TypeError, ValueError):
            errors[priority] = gettext("a number of days from 0 to 365")
    if errors:
        raise ValidationFailed(gettext("the policy was not changed"), errors)
    for priority, value in parsed.items():
        setattr(org, f"due_days_{priority}", value)
    db.session.flush()


def routing_kept(org_id: int | None = None) -> dict:
    """Of the tasks that left triage, how many kept the team and category routing chose."""
    left_triage = Task.status.notin_(("triage",))
    query = select(
        func.count(),
        func.sum(
            case(
                (
                    (Task.team == Task.routed_team) & (Task.category == Task.routed_category),
                    1,
                ),
                else_=0,
            )
        ),
        func.sum(case((Task.routed_team.is_(None), 1), else_=0)),
    ).where(left_triage)
    if org_id is not None:
        query = query.where(Task.organization_id == org_id)
    total, kept, unrouted = db.session.execute(query).one()
    overrides = db.session.scalar(
        select(func.count())
        .select_from(Event)
        .where(
            Event.kind == "routing_override",
            *([Event.organization_id == org_id] if org_id is not None else []),
        )
    )
    total = total or 0
    return {
        "triaged": total,
        "kept": kept or 0,
        "routed_by_hand": unrouted or 0,
        "overrides": overrides or 0,
        "kept_pct": round(100 * (kept or 0) / total, 1) if total else None,
    }
