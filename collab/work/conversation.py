"""The conversation on a task: comments (the agency never reads an internal one), @mentions
that notify, a comment's author editing or deleting it, and checklists ticked in
comments and the description; the history keeps each change.

A mention is "@" and a person's name ("@Dana Developer", "@DanaDeveloper"), first name when
no colleague shares it, or the local part of their e-mail address ("@dana"), among the
organisation's members who may read the comment: an internal comment never mentions (nor
notifies, nor shows anything to) the agency."""

from __future__ import annotations

import re

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from collab.accounts.roles import DIRECTORS
from collab.models import Comment, Event, Membership, Organization, Task, User
from collab.notifications.inbox import directors, notify
from collab.platform import checklists
from collab.platform.clock import utcnow
from collab.platform.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from collab.platform.extensions import db

_AT = re.compile(r"(?<![\w@.])@")


def checked_body(body, message: str | None = None) -> str:
    message = message or gettext("the comment was not saved")
    if not isinstance(body, str) or not body.strip():
        raise ValidationFailed(
            message, {"body": gettext("write something first: the comment is empty")}
        )
    if len(body) > 20_000:
        raise ValidationFailed(
            message,
            {
                "body": gettext(
                    "%(count)s characters; shorten the comment to at most 20,000",
                    count=len(body),
                )
            },
        )
    return body.strip()


def handles(people: list[tuple[int, str | None, str]]) -> dict[str, int]:
    """Each way to mention a person (lower case) -> their id, from (id, name, e-mail). A
    first name two people share names neither of them."""
    found: dict[str, int] = {}
    firsts: dict[str, set[int]] = {}
    for person_id, name, email in people:
        found[email.split("@", 1)[0].lower()] = person_id
        words = (name or "").split("(", 1)[0].split()
        if words:
            found[" ".join(words).lower()] = person_id
            found["".join(words).lower()] = person_id
            firsts.setdefault(words[0].lower(), set()).add(person_id)
    for first, ids in firsts.items():
        if len(ids) == 1:
            found.setdefault(first, next(iter(ids)))
    return found


def find_mentions(text: str, known: dict[str, int]) -> set[int]:
    """The ids of the people ``text`` mentions: at each "@", the longest handle it starts
    with that ends where a word ends."""
    lowered = (text or "").lower()
    ordered = sorted(known, key=len, reverse=True)
    found: set[int] = set()
    for at in _AT.finditer(lowered):
        rest = lowered[at.end() :]
        for handle in ordered:
            after = rest[len(handle) : len(handle) + 1]
            if rest.startswith(handle) and not (after.isalnum() or after == "_"):
                found.add(known[handle])
                break
    return found


def _readers(org: Organization, internal: bool) -> list[User]:
    """The members who may read a comment: everyone here, the agency not when internal."""
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organization_id == org.id,
            Membership.active.is_(True),
            User.active.is_(True),
        )
    )
    if internal:
        query = query.where(Membership.role != "agency")
    return list(db.session.scalars(query))


def mentioned(org: Organization, text: str, internal: bool) -> list[User]:
    if _AT.search(text or "") is None:
        return []  # most comments mention nobody: their readers need not be read
    readers = _readers(org, internal)
    ids = find_mentions(text, handles([(u.id, u.name, u.email) for u in readers]))
    return [user for user in readers if user.id in ids]


def tell_mentioned(actor: Membership, task: Task, comment: Comment, before: str = "") -> int:
    """Notifies (in-app, and by e-mail through the one notification path) the people this
    comment mentions; after an edit (``before``), only those it did not mention already."""
    org = task.recommendation.organization
    already = {u.id for u in mentioned(org, before, comment.internal)} if before else set()
    people = [u for u in mentioned(org, comment.body, comment.internal) if u.id not in already]
    snippet = " ".join(comment.body.split())[:200]
    where = "an internal comment on" if comment.internal else "a comment on"
    return notify(
        people,
        org,
        "mentioned",
        f"{actor.user.display_name} mentioned you in {where} “{task.title}”: {snippet}",
        task=task,
        recommendation=task.recommendation,
        skip=actor.user,
    )


def comment_on(task: Task, comment_id: int) -> Comment:
    """A comment of this task still standing, or NotFound (another task's, or deleted)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.task_id != task.id or comment.deleted_at is not None:
        raise NotFound(
            gettext(
                "there is no such comment on this task (it may have been deleted); "
                "reload the task to see its conversation"
            )
        )
    return comment


def _own(actor: Membership, comment: Comment, refused: str) -> None:
    if comment.author_id != actor.user_id:
        raise PermissionDenied(refused)


def edit_comment(actor: Membership, task: Task, comment: Comment, body) -> Comment:
    """The author's new text; the old one stays in the task's history."""
    _own(actor, comment, gettext("only its author edits a comment"))
    text = checked_body(body, gettext("the comment was not changed"))
    if text == comment.body:
        return comment
    before, comment.body, comment.edited_at = comment.body, text, utcnow()
    db.session.flush()
    Event.on_task(task, actor.user_id, "commented", field="edited", old=before, new=_kind(comment))
    tell_mentioned(actor, task, comment, before)
    return comment


def delete_comment(actor: Membership, task: Task, comment: Comment) -> None:
    """Gone from the conversation; what it said stays in the task's history."""
    _own(actor, comment, gettext("only its author deletes a comment"))
    comment.deleted_at = utcnow()
    db.session.flush()
    Event.on_task(
        task, actor.user_id, "commented", field="deleted", old=comment.body, new=_kind(comment)
    )


def _kind(comment: Comment) -> str:
    # The agency's history hides every "commented" event marked internal (tasks.history).
    return "internal" if comment.internal else "public"


def _may_tick(actor: Membership, task: Task, comment: Comment | None = None) -> None:
    """Whoever works on the task (its team, the directors) ticks its checklists; anyone
    ticks those of their own comments."""
    if comment is not None and comment.author_id == actor.user_id:
        return
    if actor.role not in DIRECTORS and actor.role != task.team:
        raise PermissionDenied(gettext("only the people who work on the task tick its checklists"))


def tick_item(actor: Membership, task: Task, item: str, comment: Comment | None = None) -> bool:
    """Ticks (or unticks) one checklist item of the task's description, or of ``comment``:
    ``item`` is "index:was" as the page showed it ("2:0": the third box, then open). Answers
    whether it is now ticked; Conflict when the text changed since the page was read."""
    index, _, was = (item or "").partition(":")
    if not index.isdigit() or was not in ("0", "1"):
        raise ValidationFailed(
            gettext("nothing was ticked"), {"item": gettext("choose a box to tick")}
        )
    _may_tick(actor, task, comment)
    text = comment.body if comment is not None else task.recommendation.description or ""
    now = was == "0"
    changed = checklists.tick(text, int(index), now, was == "1")
    if changed is None:
        raise Conflict(
            gettext("the list changed since you read it; here it is as it is now: tick again")
        )
    new_text, words = changed
    field = "ticked" if now else "unticked"
    if comment is not None:
        comment.body = new_text
        Event.on_task(task, actor.user_id, "commented", field=field, old=words, new=_kind(comment))
    else:
        task.recommendation.description = new_text
        Event.on_task(task, actor.user_id, "checklist", field=field, old=words)
    db.session.flush()
    return now


def add_comment(actor: Membership, task: Task, body, internal=False) -> Comment:
    """A comment on the task; the people it @mentions are told (collab.work.conversation)."""
    org = task.recommendation.organization
    errors = {}
    try:
        text = checked_body(body)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if not isinstance(internal, bool):
        errors["internal"] = gettext("answer true or false")
    if errors:
        raise ValidationFailed(gettext("the comment was not saved"), errors)
    if internal and actor.role == "agency":
        raise PermissionDenied(
            gettext("the agency cannot write internal comments; write a comment everyone reads")
        )
    comment = Comment(
        organization_id=org.id,
        task_id=task.id,
        author_id=actor.user_id,
        author=actor.user,
        body=text,
        internal=internal,
    )
    db.session.add(comment)
    db.session.flush()
    Event.on_task(task, actor.user_id, "commented", new="internal" if internal else "public")
    tell_mentioned(actor, task, comment)
    if actor.role == "agency":
        if task.waiting_on_agency:
            # The agency answered: the task no longer waits, and its alerts resume; the mark
            # makes the next scan look at it even if its due date passed during the wait.
            task.waiting_on_agency = False
            task.alert_check_at = utcnow()
            db.session.flush()
        notify(
            directors(org),
            org,
            "agency_comment",
            lambda: gettext(
                "%(who)s commented on “%(title)s”: %(comment)s",
                who=actor.user.display_name,
                title=task.title,
                comment=comment.body[:200],
            ),
            task=task,
            recommendation=task.recommendation,
        )
    return comment


def comments_for(task: Task, viewer: Membership) -> list[Comment]:
    query = (
        select(Comment)
        .where(Comment.task_id == task.id, Comment.deleted_at.is_(None))
        .order_by(Comment.id)
    )
    if viewer.role == "agency":
        query = query.where(Comment.internal.is_(False))
    return list(db.session.scalars(query.options(selectinload(Comment.author))))  # with names
