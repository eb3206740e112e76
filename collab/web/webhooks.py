"""Directors' webhook settings: register, remove, rotate, enable again, and each webhook's
delivery log with "send again". The same functions as the API, the same refusals."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from collab.http.access import access
from collab.integrations import deliveries, slack, webhooks
from collab.platform.errors import DomainError
from collab.platform.extensions import db
from collab.web.feedback import refuse

bp = Blueprint("webhooks", __name__, url_prefix="/orgs/<org>/settings/webhooks")


@bp.route("/")
@access("webhook.manage")
def index(org: str, new_secret: str | None = None, status: int = 200):
    hooks = webhooks.webhooks_of(g.org)
    return (
        render_template(
            "webhooks/index.html",
            org=g.org,
            hooks=hooks,
            pending={h.id: deliveries.pending_count(h) for h in hooks},
            events=webhooks.EVENTS,
            new_secret=new_secret,
            typed=request.form if request.method == "POST" else {},
            slack_channels={a: slack.shown(c.url) for a, c in slack.channels_of(g.org).items()},
            audiences=slack.AUDIENCES,
        ),
        status,
    )


@bp.route("/", methods=["POST"])
@access("webhook.manage")
def register(org: str):
    data = {"url": request.form.get("url", ""), "events": request.form.getlist("events")}
    try:
        registered = webhooks.register(g.org, g.membership, data)
    except DomainError as exc:
        refuse(exc)
        return index(org, status=422)
    db.session.commit()
    flash(f"Webhook registered: {registered.webhook.url}")
    return index(org, new_secret=registered.secret)


@bp.route("/<int:webhook_id>/rotate", methods=["POST"])
@access("webhook.manage")
def rotate(org: str, webhook_id: int):
    rotated = webhooks.rotate(g.org, webhook_id)
    db.session.commit()
    flash("New secret made: the old one keeps signing beside it for 24 hours.")
    return index(org, new_secret=rotated.secret)


@bp.route("/<int:webhook_id>/enable", methods=["POST"])
@access("webhook.manage")
def enable(org: str, webhook_id: int):
    webhooks.enable(g.org, webhook_id)
    db.session.commit()
    flash("Webhook enabled: what waited is sent now.")
    return redirect(url_for("webhooks.index", org=org), code=303)


@bp.route("/<int:webhook_id>/delete", methods=["POST"])
@access("webhook.manage")
def delete(org: str, webhook_id: int):
    webhooks.remove(g.org, webhook_id)
    db.session.commit()
    flash("Webhook removed, with its delivery log.")
    return redirect(url_for("webhooks.index", org=org), code=303)


@bp.route("/<int:webhook_id>/")
@access("webhook.manage")
def log(org: str, webhook_id: int):
    hook = webhooks.webhook_in(g.org, webhook_id)
    before = request.args.get("before", type=int)
    rows = webhooks.deliveries_of(hook, before=before, limit=webhooks.LOG_PAGE + 1)
    more = len(rows) > webhooks.LOG_PAGE
    rows = rows[: webhooks.LOG_PAGE]
    return render_template(
        "webhooks/log.html",
        org=g.org,
        hook=hook,
        rows=rows,
        older=rows[-1].id if more else None,
    )


@bp.route("/<int:webhook_id>/deliveries/<int:delivery_id>/again", methods=["POST"])
@access("webhook.manage")
def send_again(org: str, webhook_id: int, delivery_id: int):
    webhooks.send_again(g.org, webhook_id, delivery_id)
    db.session.commit()
    flash("Queued to be sent again, with the same webhook-id: the next relay sends it.")
    return redirect(url_for("webhooks.log", org=org, webhook_id=webhook_id), code=303)


@bp.route("/slack", methods=["POST"])
@access("webhook.manage")
def slack_channels(org: str):
    """Each audience's incoming-webhook URL: a new one replaces it, "remove" clears it, an
    empty field leaves it as it is (the stored URL is never sent back to the page)."""
    try:
        for audience in slack.AUDIENCES:
            if request.form.get(f"remove_{audience}"):
                slack.set_channel(g.org, audience, "")
            elif request.form.get(audience, "").strip():
                slack.set_channel(g.org, audience, request.form[audience])
    except DomainError as exc:
        refuse(exc)
        return index(org, status=422)
    db.session.commit()
    flash("Slack channels saved.")
    return redirect(url_for("webhooks.index", org=org), code=303)
