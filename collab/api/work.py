"""Recommendations, tasks and comments over JSON: adapters over collab's functions."""

from __future__ import annotations

import base64
import binascii
import json

from flask import g, jsonify, request
from sqlalchemy import select

from collab.api import bp
from collab.api.serializers import comment_json, recommendation_json, task_json
from collab.http.access import access
from collab.models import STATUSES, Task
from collab.platform.clock import local_today
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.training.task_notes import NoteBook
from collab.work import recommendations, routing, tasks

MAX_LIMIT = 200


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed(
            "send a JSON object with Content-Type: application/json", {"body": "a JSON object"}
        )
    return data


def page_args() -> tuple[int, int | None]:
    errors = {}
    try:
        limit = int(request.args.get("limit", 50))
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError
    except ValueError:
        errors["limit"] = f"a whole number from 1 to {MAX_LIMIT}"
        limit = 50
    after = None
    cursor = request.args.get("cursor")
    if cursor:
        try:
            after = int(json.loads(base64.urlsafe_b64decode(cursor.encode()))["after"])
        except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError):
            errors["cursor"] = "not a cursor this API gave"
    if errors:
        raise ValidationFailed("bad paging parameters", errors)
    return limit, after


def cursor_for(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode()


@bp.route("/categories")
@access()
def categories():
    slug = request.args.get("org")
    metrics = {c.slug: c.metrics for c in routing.CATEGORIES.values()}
    if slug:
        from collab.accounts.organisations import org_by_slug
        from collab.accounts.people import membership_of
        from collab.impacts.metric_map import category_map
        from collab.platform.errors import NotFound

        org = org_by_slug(slug)
        if membership_of(g.api_user, org) is None:
            raise NotFound(f"no organisation {slug!r}")
        metrics.update(category_map(org))  # this organisation's own category -> metrics map
    items = [
        {"slug": c.slug, "name": c.name, "teams": list(c.teams), "metrics": list(metrics[c.slug])}
        for c in routing.CATEGORIES.values()
        if c.slug != routing.UNCATEGORISED
    ]
    return jsonify({"items": items})


@bp.route("/orgs/<org>/recommendations", methods=["POST"])
@access("recommendation.file")
def file_recommendation(org: str):
    filing = recommendations.file_recommendation(g.org, g.membership, json_body())
    db.session.commit()
    return jsonify(recommendation_json(filing.recommendation)), 201 if filing.created else 200


@bp.route("/orgs/<org>/recommendations/<int:recommendation_id>")
@access("board.view")
def get_recommendation(org: str, recommendation_id: int):
    return jsonify(recommendation_json(recommendations.recommendation_in(g.org, recommendation_id)))


@bp.route("/orgs/<org>/tasks")
@access("board.view")
def list_tasks(org: str):
    errors = {}
    try:
        limit, after = page_args()
    except ValidationFailed as exc:  # reported with the filters' errors, all at once
        errors.update(exc.fields)
        limit, after = 50, None
    query = select(Task).where(Task.organization_id == g.org.id)
    team = request.args.get("team")
    if team:
        if team == "none":
            query = query.where(Task.team.is_(None))
        elif team in routing.TEAMS:
            query = query.where(Task.team == team)
        else:
            errors["team"] = "it, marketing or none"
    status = request.args.get("status")
    if status:
        if status in STATUSES:
            query = query.where(Task.status == status)
        else:
            errors["status"] = "one of " + ", ".join(STATUSES)
    category = request.args.get("category")
    if category:
        if category in routing.CATEGORIES:
            query = query.where(Task.category == category)
        else:
            errors["category"] = "unknown category"
    today = local_today(g.org.timezone)
    overdue = request.args.get("overdue")
    if overdue == "true":
        query = query.where(tasks.overdue_on(today))
    elif overdue not in (None, "", "false"):
        errors["overdue"] = "true or false"
    if errors:
        raise ValidationFailed("bad filter", errors)
    if after is not None:
        query = query.where(Task.id > after)
    found = list(db.session.scalars(query.order_by(Task.id).limit(limit + 1)))
    more = len(found) > limit
    found = found[:limit]
    notes = NoteBook.for_tasks(g.org, found)  # one load for the whole page's notes
    return jsonify(
        {
            "items": [task_json(task, today, notes) for task in found],
            "next_cursor": cursor_for(found[-1].id) if more else None,
        }
    )


@bp.route("/orgs/<org>/tasks/<int:task_id>")
@access("board.view")
def get_task(org: str, task_id: int):
    return jsonify(task_json(tasks.task_in(g.org, task_id)))


@bp.route("/orgs/<org>/tasks/<int:task_id>", methods=["PATCH"])
@access("task.move")
def patch_task(org: str, task_id: int):
    task = tasks.task_in(g.org, task_id)
    body = json_body()
    version = body.pop("version", None)
    tasks.update_task(g.membership, task, body, version)
    db.session.commit()
    return jsonify(task_json(task))


@bp.route("/orgs/<org>/tasks", methods=["PATCH"])
@access("task.move")
def patch_tasks(org: str):
    changed = tasks.update_many(g.membership, g.org, json_body().get("items"))
    db.session.commit()
    notes = NoteBook.for_tasks(g.org, changed)
    return jsonify({"items": [task_json(task, notes=notes) for task in changed]})


@bp.route("/orgs/<org>/tasks/<int:task_id>/comments", methods=["POST"])
@access("comment.create")
def comment(org: str, task_id: int):
    task = tasks.task_in(g.org, task_id)
    body = json_body()
    created = tasks.add_comment(g.membership, task, body.get("body"), body.get("internal", False))
    db.session.commit()
    return jsonify(comment_json(created)), 201


@bp.route("/orgs/<org>/tasks/<int:task_id>/comments")
@access("board.view")
def comments(org: str, task_id: int):
    task = tasks.task_in(g.org, task_id)
    return jsonify({"items": [comment_json(c) for c in tasks.comments_for(task, g.membership)]})
