"""What a refused change tells the person who asked, said the same way on every page.

A domain function refuses with a DomainError: a message, and what is wrong field by field,
keyed as the API names fields ("due_date", "items[2].reason"). ``refuse`` undoes the
request's changes (nothing half-done survives a refusal), puts each field's problem beside
that field when the page shows the form, and says the rest in the people's words: the field
by its label ("Due date", never "due_date"), a bulk change's task by its title.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import flash
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from collab.models import PRIORITIES
from collab.models.work import PRIORITY_LABELS
from collab.platform.errors import DomainError
from collab.platform.extensions import db
from collab.web.page import is_htmx
from collab.work.task_changes import FIELD_LABELS as TASK_FIELD_LABELS

# "urls[3]": the fourth item of a list, which a form takes as a textarea, one item a line.
_ITEM = re.compile(r"(?P<name>\w+)\[(?P<index>\d+)\]")
# "items[2].reason": the reason given for the third task of a change to several at once.
_BULK_KEY = re.compile(r"items\[(?P<index>\d+)\]\.(?P<field>\w+)")
_BULK_MESSAGE = re.compile(r"^items\[(?P<index>\d+)\]: ")

# The fields of forms that are not WTForms (a WTForm's own labels win), as their pages say.
FIELD_LABELS = {
    **TASK_FIELD_LABELS,
    "items": _l("Tasks"),
    "id": _l("Task"),
    "body": _l("Comment"),
    "question": _l("Question"),
    "decision": _l("Decision"),
    "title": _l("Title"),
    "description": _l("Description"),
    "urls": _l("Affected URLs"),
    "external_id": _l("Your reference"),
    "phrase": _l("Phrase"),
    "member": _l("Member"),
    "colleague": _l("Their open tasks go to"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "email_mode": _l("E-mail"),
    "due_soon_days": _l("Due soon within (days)"),
    "level_days": _l("Overdue levels at (days late)"),
    "triage_days": _l("Triage waits at most (business days)"),
    "holidays": _l("Holidays"),
    **{
        priority: _l("%(priority)s: days", priority=PRIORITY_LABELS[priority])
        for priority in PRIORITIES
    },
}


def label_of(key: str) -> str:
    return str(FIELD_LABELS.get(key) or key.replace("_", " ").capitalize())


def sentence(text: str) -> str:
    """A domain message as a sentence: a capital letter first, a full stop last."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def refuse(
    error: DomainError,
    form: FlaskForm | None = None,
    *,
    fallback: str = "",
    inline: bool = False,
    titles: Mapping[int, str] | None = None,
) -> str:
    """Roll back, show ``error`` and return what it says.

    Problems that name a field of ``form`` go beside that field (or beside ``fallback``);
    the others are said after the message, each after its field's label. The message is
    flashed at the top of the next page, except for htmx answers (their fragment shows no
    flashed messages: the caller sends it in a header) and ``inline`` ones, which the page
    shows beside the form it refuses. ``titles`` names the items of a change to several
    tasks at once ("items[2]" is the third title)."""
    db.session.rollback()
    elsewhere = {
        key: problem
        for key, problem in error.fields.items()
        if form is None or not _beside_field(form, key, problem, fallback)
    }
    message = " ".join(
        [sentence(_bulk_message(error.message, titles)), *_details(elsewhere, titles)]
    )
    if not is_htmx() and not inline:
        flash(message, "error")
    return message


def _bulk_message(message: str, titles: Mapping[int, str] | None) -> str:
    found = _BULK_MESSAGE.match(message)
    if not found or titles is None:
        return message
    name = _title(titles, int(found["index"]))
    return f"{name}: {message[found.end() :]}"


def _title(titles: Mapping[int, str], index: int) -> str:
    if index in titles:
        return f"“{titles[index]}”"
    return gettext("the task number %(number)s", number=index + 1)


def _details(problems: dict[str, str], titles: Mapping[int, str] | None) -> list[str]:
    """One sentence per problem. The same problem of several tasks of a change to several at
    once is said once, naming the tasks unless it concerns every one of them."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for key, problem in problems.items():
        bulk = _BULK_KEY.fullmatch(key)
        field, index = (bulk["field"], int(bulk["index"])) if bulk else (key, None)
        grouped.setdefault((field, problem), [])
        if index is not None:
            grouped[(field, problem)].append(index)
    said = []
    for (field, problem), indexes in grouped.items():
        label = label_of(field)
        if indexes and titles is not None and len(indexes) < len(titles):
            names = [_title(titles, i) for i in indexes]
            if len(names) == 1:
                label = gettext("%(field)s of %(task)s", field=label, task=names[0])
            else:
                label = gettext(
                    "%(field)s of %(tasks)s and %(last)s",
                    field=label,
                    tasks=", ".join(names[:-1]),
                    last=names[-1],
                )
        said.append(sentence(f"{label}: {problem}"))
    return said


def _beside_field(form: FlaskForm, key: str, problem: str, fallback: str) -> bool:
    item = _ITEM.fullmatch(key)
    if item and item["name"] in form:
        field, number = form[item["name"]], int(item["index"]) + 1
        lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        typed = f" ({lines[number - 1][:80]})" if number <= len(lines) else ""
        problem = gettext("line %(number)s: %(problem)s", number=number, problem=problem) + typed
    elif key in form:
        field = form[key]
    elif fallback:
        field = form[fallback]
    else:
        return False
    field.errors = [*field.errors, problem]
    return True
