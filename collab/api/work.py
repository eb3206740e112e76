"""Recommendations, tasks and comments over JSON: adapters over collab's functions."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from flask import g, jsonify
from flask_babel import gettext
from sqlalchemy import select

from collab.api import bp
from collab.api import responses as answer
from collab.api.schemas import (
    CategoryFilter,
    CommentIn,
    NoteLanguage,
    RecommendationIn,
    TaskChange,
    TaskChanges,
    TaskFilter,
    id_cursor,
)
from collab.api.serializers import comment_json, recommendation_json, task_json, task_links
from collab.api.validation import operation
from collab.http.access import access
from collab.models import Task
from collab.platform.clock import local_today
from collab.platform.extensions import db
from collab.platform.i18n import speaking
from collab.platform.paging import page_of
from collab.training.task_notes import NoteBook
from collab.work import conversation, recommendations, routing, tasks

STALE = "the task changed since `version`; error.current is the task now"


@bp.route("/categories")
@access()
@operation(query=CategoryFilter, answers={200: answer.Categories})
def categories(query: CategoryFilter):
    """The category taxonomy: owning teams and the KPIs each moves

    With ?org=, the metrics are that organisation's own category -> metrics map."""
    metrics = {c.slug: c.metrics for c in routing.CATEGORIES.values()}
    if query.org:
        from collab.accounts.organisations import org_by_slug
        from collab.accounts.people import membership_of
        from collab.impacts.metric_map import category_map
        from collab.platform.errors import NotFound

        org = org_by_slug(query.org)
        if membership_of(g.api_user, org) is None:
            raise NotFound(
                gettext(
                    "no organisation %(slug)s; check the organisation's short name (its slug)",
                    slug=repr(query.org),
                )
            )
        metrics.update(category_map(org))  # this organisation's own category -> metrics map
    items = [
        {"slug": c.slug, "name": c.name, "teams": list(c.teams), "metrics": list(metrics[c.slug])}
        for c in routing.CATEGORIES.values()
        if c.slug != routing.UNCATEGORISED
    ]
    return jsonify({"items": items})


@bp.route("/orgs/<org>/recommendations", methods=["POST"])
@access("recommendation.file")
@operation(
    body=RecommendationIn,
    answers={
        201: (answer.Recommendation, "filed, with its task or tasks"),
        200: (answer.Recommendation, "external_id already filed here: that one, unchanged"),
    },
)
def file_recommendation(org: str, body: RecommendationIn):
    """File a recommendation; it is routed into one task per team"""
    data = body.model_dump(mode="json", exclude_unset=True)
    filing = recommendations.file_recommendation(g.org, g.membership, data)
    answer = recommendation_json(filing.recommendation, urls=filing.urls)  # as a change does
    db.session.commit()
    return jsonify(answer), 201 if filing.created else 200


@bp.route("/orgs/<org>/recommendations/<int:recommendation_id>")
@access("board.view")
@operation(answers={200: answer.Recommendation})
def get_recommendation(org: str, recommendation_id: int):
    """A recommendation with its tasks"""
    return jsonify(recommendation_json(recommendations.recommendation_in(g.org, recommendation_id)))


@bp.route("/orgs/<org>/tasks")
@access("board.view")
@operation(query=TaskFilter, answers={200: answer.TaskPage})
def list_tasks(org: str, query: TaskFilter):
    """Tasks, filtered, in id order, paged by cursor"""
    found_tasks = select(Task).where(Task.organization_id == g.org.id)
    if query.team == "none":
        found_tasks = found_tasks.where(Task.team.is_(None))
    elif query.team:
        found_tasks = found_tasks.where(Task.team == query.team)
    if query.status:
        found_tasks = found_tasks.where(Task.status == query.status)
    if query.category:
        found_tasks = found_tasks.where(Task.category == query.category)
    today = local_today(g.org.timezone)
    if query.overdue == "true":
        found_tasks = found_tasks.where(tasks.overdue_on(today))
    if query.cursor is not None:
        found_tasks = found_tasks.where(Task.id > query.cursor)
    limit = query.limit
    found, more = page_of(
        list(db.session.scalars(found_tasks.order_by(Task.id).limit(limit + 1))), limit
    )
    notes = NoteBook.for_tasks(g.org, found)  # one load for the whole page's notes
    links = task_links(g.org.slug)
    with _answering_in(query.language):
        items = [task_json(task, today, notes, links=links) for task in found]
    return jsonify({"items": items, "next_cursor": id_cursor(found[-1].id) if more else None})


@bp.route("/orgs/<org>/tasks/<int:task_id>")
@access("board.view")
@operation(query=NoteLanguage, answers={200: answer.Task})
def get_task(org: str, task_id: int, query: NoteLanguage):
    """A task"""
    with _answering_in(query.language):
        return jsonify(task_json(tasks.task_in(g.org, task_id)))


def _answering_in(language: str | None) -> AbstractContextManager:
    """``language=`` asks for a task's training note (and its other words) in that language
    whatever the asker's profile says; without it, the request's language stands."""
    return speaking(language) if language else nullcontext()


@bp.route("/orgs/<org>/tasks/<int:task_id>", methods=["PATCH"])
@access("task.move")
@operation(body=TaskChange, answers={200: answer.Task}, conflict=STALE)
def patch_task(org: str, task_id: int, body: TaskChange):
    """Triage or move a task (optimistic concurrency by version)

    Directors may record past started_at / completed_at when backfilling history."""
    task = tasks.task_in(g.org, task_id)
    changes = body.model_dump(mode="json", exclude_unset=True)
    version = changes.pop("version")
    tasks.change_task(g.membership, task, changes, version)
    # Written before the commit, in its transaction: after it, reading the note's facts
    # would take a connection and a transaction of its own.
    answer = task_json(task)
    db.session.commit()
    return jsonify(answer)


@bp.route("/orgs/<org>/tasks", methods=["PATCH"])
@access("task.move")
@operation(
    body=TaskChanges,
    answers={200: answer.Tasks},
    conflict="an item's version is stale; error.current is that task now",
)
def patch_tasks(org: str, body: TaskChanges):
    """Change several tasks at once, all or nothing"""
    items = [item.model_dump(mode="json", exclude_unset=True) for item in body.items]
    changed = tasks.update_many(g.membership, g.org, items)
    notes = NoteBook.for_tasks(g.org, changed)
    links = task_links(g.org.slug)
    answer = {"items": [task_json(task, notes=notes, links=links) for task in changed]}
    db.session.commit()  # after the answer is written, as a single task's change does
    return jsonify(answer)


@bp.route("/orgs/<org>/tasks/<int:task_id>/comments", methods=["POST"])
@access("comment.create")
@operation(body=CommentIn, answers={201: (answer.Comment, "created")})
def comment(org: str, task_id: int, body: CommentIn):
    """Comment on a task (the agency may not write internal comments)"""
    task = tasks.task_in(g.org, task_id)
    created = conversation.add_comment(g.membership, task, body.body, body.internal)
    db.session.commit()
    return jsonify(comment_json(created)), 201


@bp.route("/orgs/<org>/tasks/<int:task_id>/comments")
@access("board.view")
@operation(answers={200: answer.Comments})
def comments(org: str, task_id: int):
    """A task's comments (the agency never sees internal ones)"""
    task = tasks.task_in(g.org, task_id)
    return jsonify(
        {"items": [comment_json(c) for c in conversation.comments_for(task, g.membership)]}
    )
