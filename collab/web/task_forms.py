"""The task page's form: triage for directors, status and assignee for the team's staff.

A WTForm, so a refused save shows the page again with what was typed still in place and
each problem beside its field. Choices are the one vocabulary's words; what a choice means
(an empty one leaves the field as it is) is read back by ``changes_from``.
"""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from collab.models import PRIORITIES, STATUSES, Task
from collab.models.accounts import ROLE_LABELS, TEAM_LABELS, UNROUTED
from collab.models.work import PRIORITY_LABELS, RESOLUTION_LABELS, STATUS_LABELS
from collab.web.filters import MISSING
from collab.work import routing
from collab.work.deadlines import is_past_due

UNASSIGNED = "-"  # the assignee choice that clears it ("" would mean "leave as it is")
STAFF_FIELDS = ("status", "assignee")
TRIAGE_FIELDS = (
    "status",
    "team",
    "category",
    "priority",
    "due_date",
    "assignee",
    "resolution",
    "reason",
    "duplicate_of",
    "waiting_on_agency",
)
PAST_DUE_QUESTION = (
    "{date} has already passed: the task would be overdue from the start. "
    "Choose a later date, or tick “Keep this date” and save again."
)


class TaskForm(FlaskForm):
    version = HiddenField()
    status = SelectField("Status", validate_choice=False)
    team = SelectField("Team", validate_choice=False)
    category = SelectField("Category", validate_choice=False)
    priority = SelectField("Priority", validate_choice=False)
    due_date = StringField("Due date", render_kw={"type": "date"})
    assignee = SelectField("Assignee", validate_choice=False)
    resolution = SelectField("Resolution", validate_choice=False)
    reason = StringField("Reason (the agency reads it)")
    duplicate_of = StringField("Duplicate of task #", render_kw={"inputmode": "numeric", "size": 6})
    waiting_on_agency = BooleanField("Waiting on the agency's answer")
    past_due_ok = BooleanField("Keep this date, although it has passed")


def task_form(task: Task, assignees) -> TaskForm:
    """The form for ``task``: as the task is now, or as the posted form has it (Flask-WTF
    reads the request's form on a POST)."""
    current = {
        "version": task.version,
        "status": task.status,
        "team": task.team or "",
        "category": "" if task.category == routing.UNCATEGORISED else task.category,
        "priority": task.priority,
        "due_date": task.due_date.isoformat() if task.due_date else "",
        "assignee": task.assignee.email if task.assignee else UNASSIGNED,
        "resolution": "",
        "waiting_on_agency": task.waiting_on_agency,
    }
    form = TaskForm(data=current)
    form.status.choices = [SelectChoice(s, STATUS_LABELS[s]) for s in STATUSES]
    form.team.choices = [
        *([SelectChoice("", f"{UNROUTED}: choose a team")] if not task.team else []),
        *(SelectChoice(value, label) for value, label in TEAM_LABELS.items()),
    ]
    # An uncategorised task offers "choose one", which leaves it as it is: never a category
    # the director did not pick, and no routing override for a choice nobody made.
    form.category.choices = [
        *(
            [SelectChoice("", "Uncategorised: choose one")]
            if task.category == routing.UNCATEGORISED
            else []
        ),
        *(
            SelectChoice(c.slug, c.name)
            for c in routing.CATEGORIES.values()
            if c.slug != routing.UNCATEGORISED
        ),
    ]
    form.priority.choices = [SelectChoice(p, PRIORITY_LABELS[p]) for p in PRIORITIES]
    form.assignee.choices = [
        SelectChoice(UNASSIGNED, "unassigned"),
        *(
            SelectChoice(m.user.email, f"{m.user.display_name} ({ROLE_LABELS[m.role]})")
            for m in assignees
        ),
    ]
    form.resolution.choices = [
        SelectChoice("", MISSING),
        *(SelectChoice(value, label) for value, label in RESOLUTION_LABELS.items()),
    ]
    return form


def changes_from(form: TaskForm, may_triage: bool) -> dict:
    """What the posted form asks to change: the fields this person's form shows; an empty
    choice means "leave it as it is", and "unassigned" clears the assignee."""
    changes: dict = {}
    for name in TRIAGE_FIELDS if may_triage else STAFF_FIELDS:
        if name == "waiting_on_agency":
            changes[name] = bool(form.waiting_on_agency.data)
            continue
        value = (form[name].data or "").strip()
        if name == "assignee" and value == UNASSIGNED:
            changes[name] = None
        elif name == "duplicate_of" and value:
            changes[name] = int(value) if value.isdigit() else value
        elif value:
            changes[name] = value
    return changes


def version_of(form: TaskForm) -> int | None:
    try:
        return int(form.version.data or "")
    except ValueError:
        return None


def asks_past_due(task: Task, changes: dict, today: date, form: TaskForm) -> str | None:
    """The question to ask before a due date already past is saved, or None: a date that is
    not new, not past, or confirmed by ticking the box."""
    try:
        due = date.fromisoformat(changes.get("due_date", ""))
    except ValueError:
        return None  # not a date: the domain says so, beside the field
    if due == task.due_date or not is_past_due(due, today) or form.past_due_ok.data:
        return None
    return PAST_DUE_QUESTION.format(date=due.isoformat())
