"""Operational pages for platform operators: health across organisations, never content."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from collab import health
from collab.extensions import db
from collab.models import Membership, Organization
from collab.permissions import access

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@access(operator=True)
def index():
    rows = db.session.execute(
        select(
            Organization.slug,
            Organization.name,
            Organization.kind,
            Organization.timezone,
            func.count(Membership.id).filter(Membership.active.is_(True)),
        )
        .outerjoin(Membership)
        .group_by(Organization.id)
        .order_by(Organization.name)
    ).all()
    return render_template("admin/index.html", orgs=rows, health=health.check())
