"""Directors' settings: routing rules and the due-date policy."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from collab.accounts import organisations
from collab.accounts.currencies import CURRENCIES
from collab.followup import policy
from collab.http.access import access
from collab.models import PRIORITIES
from collab.models.accounts import TEAM_LABELS
from collab.platform.errors import DomainError
from collab.platform.extensions import db
from collab.web.feedback import refuse
from collab.work import routing, routing_rules

bp = Blueprint("settings", __name__, url_prefix="/orgs/<org>/settings")


@bp.route("/")
@access("settings.edit")
def index(org: str):
    return render_template(
        "settings/index.html",
        org=g.org,
        rules=routing_rules.rules_of(g.org),
        categories=[c for c in routing.CATEGORIES.values() if c.slug != routing.UNCATEGORISED],
        priorities=PRIORITIES,
        teams=list(TEAM_LABELS.items()),
        kept=routing_rules.routing_kept(g.org.id),
        currencies=CURRENCIES.values(),
    )


@bp.route("/rules", methods=["POST"])
@access("settings.edit")
def add_rule(org: str):
    try:
        routing_rules.add_rule(
            g.org,
            g.membership,
            request.form.get("phrase", ""),
            request.form.get("category") or None,
            request.form.get("team") or None,
        )
    except DomainError as exc:
        refuse(exc)
    else:
        db.session.commit()
        flash("Rule added: it applies to recommendations filed from now on.")
    return redirect(url_for("settings.index", org=org), code=303)


@bp.route("/rules/<int:rule_id>/delete", methods=["POST"])
@access("settings.edit")
def delete_rule(org: str, rule_id: int):
    routing_rules.delete_rule(g.org, rule_id)
    db.session.commit()
    flash("Rule removed.")
    return redirect(url_for("settings.index", org=org), code=303)


@bp.route("/due-policy", methods=["POST"])
@access("settings.edit")
def due_policy(org: str):
    try:
        routing_rules.set_due_policy(g.org, {p: request.form.get(p) for p in PRIORITIES})
    except DomainError as exc:
        refuse(exc)
    else:
        db.session.commit()
        flash("Due-date policy saved.")
    return redirect(url_for("settings.index", org=org), code=303)


@bp.route("/alerts", methods=["POST"])
@access("settings.edit")
def alert_policy(org: str):
    try:
        policy.set_alert_policy(g.org, request.form.to_dict())
    except DomainError as exc:
        refuse(exc)
    else:
        db.session.commit()
        flash("Alert settings saved: the next scan uses them.")
    return redirect(url_for("settings.index", org=org), code=303)


@bp.route("/currency", methods=["POST"])
@access("settings.edit")
def currency(org: str):
    try:
        changed = organisations.set_currency(g.org, request.form.get("currency", ""))
    except DomainError as exc:
        refuse(exc)
    else:
        db.session.commit()
        flash(
            f"Amounts are shown in {g.org.currency} from now on."
            if changed
            else "The currency stays as it was."
        )
    return redirect(url_for("settings.index", org=org), code=303)
