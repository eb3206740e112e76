"""A leaver's open work: handed to a colleague or back to triage, then the membership ends."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import func, select

from collab.accounts import people
from collab.models import Event, Membership, Organization, Task, User
from collab.models.work import OPEN_STATUSES
from collab.notifications.inbox import notify
from collab.platform.clock import local_today, utcnow
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.work import board_counts


def open_task_count(org: Organization, user: User) -> int:
    """How many open tasks would go with this person: what a director confirms first."""
    return db.session.scalar(
        select(func.count())
        .select_from(Task)
        .where(
            Task.organization_id == org.id,
            Task.assignee_id == user.id,
            Task.status.in_(OPEN_STATUSES),
        )
    )


def hand_over_open_tasks(
    org: Organization, leaver: User, actor: Membership, colleague: Membership | None = None
) -> int:
    """A leaver's open tasks go to a colleague, or back to triage for the directors.

    An administrative move, outside the status table: nobody is left to work the task."""
    open_tasks = list(
        db.session.scalars(
            select(Task).where(
                Task.organization_id == org.id,
                Task.assignee_id == leaver.id,
                Task.status.in_(OPEN_STATUSES),
            )
        )
    )
    for task in open_tasks:
        if colleague is not None:
            task.assignee = colleague.user
            Event.on_task(
                task,
                actor.user_id,
                "changed",
                field="assignee",
                old=leaver.email,
                new=colleague.user.email,
            )
            notify(
                [colleague.user],
                org,
                "task_assigned",
                lambda task=task: gettext(
                    "%(who)s handed you “%(title)s” from %(leaver)s.",
                    who=actor.user.display_name,
                    title=task.title,
                    leaver=leaver.display_name,
                ),
                task=task,
                recommendation=task.recommendation,
                skip=actor.user,
            )
            continue
        old_status = task.status
        task.assignee = None
        task.status = "triage"
        task.status_changed_at = task.alert_check_at = utcnow()
        task.triage_since = local_today(org.timezone)
        Event.on_task(task, actor.user_id, "changed", field="assignee", old=leaver.email)
        if old_status != "triage":
            Event.on_task(
                task, actor.user_id, "changed", field="status", old=old_status, new="triage"
            )
            board_counts.add(org.id, old_status, task.team, -1)
            board_counts.add(org.id, "triage", task.team, +1)
    db.session.flush()
    return len(open_tasks)


def deactivate_member(
    org: Organization,
    membership: Membership,
    actor: Membership | None = None,
    colleague: Membership | None = None,
) -> Membership:
    """A leaver loses this organisation at once (with no other: every session and token);
    their open tasks go to `colleague`, or back to triage."""
    if not membership.active:
        return membership
    if actor is not None and actor.user_id == membership.user_id:
        raise ValidationFailed(
            gettext("you cannot deactivate yourself"),
            {"member": gettext("ask another director to do it, once your work is handed over")},
        )
    people.check_removable(org, membership)
    if colleague is not None and (
        colleague.organization_id != org.id or not colleague.active or colleague.id == membership.id
    ):
        raise ValidationFailed(
            gettext("pick an active colleague"),
            {
                "colleague": gettext(
                    "not an active member here; choose a colleague who still works here"
                )
            },
        )
    hand_over_open_tasks(org, membership.user, actor or membership, colleague)
    return people.end_membership(membership, by=actor.user if actor else None)
