"""Filing a recommendation in the browser, and reading one."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from collab.http.access import access
from collab.models import PRIORITIES
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.web.feedback import refuse
from collab.work import recommendations, routing

bp = Blueprint("recommendations", __name__, url_prefix="/orgs/<org>/recommendations")


class RecommendationForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description (Markdown)", validators=[Optional()])
    category = SelectField("Category (leave to routing)", validators=[Optional()])
    urls = TextAreaField("Affected URLs, one per line", validators=[Optional()])
    priority = SelectField(
        "Priority", choices=[SelectChoice(p, p.title()) for p in PRIORITIES], default="medium"
    )
    due_date = DateField("Proposed due date", validators=[Optional()])
    external_id = StringField("Your reference (optional)", validators=[Optional(), Length(max=200)])


def _form() -> RecommendationForm:
    form = RecommendationForm()
    form.category.choices = [SelectChoice("", "— let collab route it —")] + [
        SelectChoice(c.slug, c.name)
        for c in routing.CATEGORIES.values()
        if c.slug != routing.UNCATEGORISED
    ]
    return form


@bp.route("/new", methods=["GET", "POST"])
@access("recommendation.file")
def new(org: str):
    form = _form()
    status = 200
    if form.validate_on_submit():
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
    return render_template("recommendations/new.html", org=g.org, form=form), status


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
        urls=recommendations.url_lines_page(recommendation, page),
        page=page,
        description_html=render_markdown(recommendation.description),
    )
