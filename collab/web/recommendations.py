"""Filing a recommendation in the browser, and reading one."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from collab.http.access import access
from collab.models import PRIORITIES
from collab.models.work import PRIORITY_LABELS
from collab.platform.clock import local_today
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.web import filters
from collab.web.feedback import refuse
from collab.web.task_forms import PAST_DUE_QUESTION
from collab.work import recommendations, routing
from collab.work.deadlines import is_past_due

bp = Blueprint("recommendations", __name__, url_prefix="/orgs/<org>/recommendations")


class RecommendationForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Title: give the recommendation a title.")),
            Length(max=200, message=_l("Title: shorten it to %(max)d characters or fewer.")),
        ],
    )
    description = TextAreaField(_l("Description (Markdown)"), validators=[Optional()])
    category = SelectField(_l("Category (leave to routing)"), validators=[Optional()])
    urls = TextAreaField(_l("Affected URLs, one per line"), validators=[Optional()])
    priority = SelectField(_l("Priority"), default="medium")
    due_date = DateField(_l("Proposed due date"), validators=[Optional()])
    past_due_ok = BooleanField(_l("Keep this date, although it has passed"))
    external_id = StringField(
        _l("Your reference (optional)"), validators=[Optional(), Length(max=200)]
    )


def _form() -> RecommendationForm:
    form = RecommendationForm()
    form.priority.choices = [SelectChoice(p, PRIORITY_LABELS[p]) for p in PRIORITIES]
    form.category.choices = [SelectChoice("", "— let collab route it —")] + [
        SelectChoice(c.slug, c.name)
        for c in routing.CATEGORIES.values()
        if c.slug != routing.UNCATEGORISED
    ]
    return form


def _asks_past_due(form: RecommendationForm) -> bool:
    """A proposed due date already past is filed once confirmed (an old audit may carry old
    dates), never by accident: the form asks, beside the date, and offers the box to tick."""
    due = form.due_date.data
    if form.past_due_ok.data or not is_past_due(due, local_today(g.org.timezone)):
        return False
    form.due_date.errors = [*form.due_date.errors, PAST_DUE_QUESTION % {"date": filters.date(due)}]
    return True


@bp.route("/new", methods=["GET", "POST"])
@access("recommendation.file")
def new(org: str):
    form = _form()
    status, past_due = 200, False
    if form.validate_on_submit() and _asks_past_due(form):
        status, past_due = 422, True
    elif form.validate_on_submit():
        lines = [line.strip() for line in (form.urls.data or "").splitlines() if line.strip()]
        data = {
            "title": form.title.data,
            "description": form.description.data or "",
            "category": form.category.data or None,
            "urls": lines,
            "priority": form.priority.data,
            "due_date": form.due_date.data,
            "external_id": form.external_id.data or None,
        }
        try:
            filing = recommendations.file_recommendation(g.org, g.membership, data)
        except ValidationFailed as exc:
            refuse(exc, form, fallback="urls")
            status = 422
        else:
            db.session.commit()
            return redirect(
                url_for("recommendations.show", org=org, recommendation_id=filing.recommendation.id)
            )
    elif request.method == "POST":
        status = 422
    return (
        render_template("recommendations/new.html", org=g.org, form=form, past_due=past_due),
        status,
    )


@bp.route("/<int:recommendation_id>")
@access("board.view")
def show(org: str, recommendation_id: int):
    recommendation = recommendations.recommendation_in(g.org, recommendation_id)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    from collab.web.tasks import render_markdown

    return render_template(
        "recommendations/show.html",
        org=g.org,
        recommendation=recommendation,
        status=recommendations.status_of(recommendation),
        # Whoever filed it reads why each rejected part will not be done, not just "Rejected".
        rejections=[t for t in recommendation.tasks if t.status == "rejected"],
        urls=recommendations.url_lines_page(recommendation, page),
        page=page,
        description_html=render_markdown(recommendation.description),
    )
