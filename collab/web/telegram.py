"""Telegram: the endpoint the Bot API calls with updates (``/start CODE``, ``/stop``), and the
profile's actions (a linking code, what goes to the chat, unlinking)."""

from __future__ import annotations

import hmac

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import current_user

from collab.http.access import access
from collab.notifications import telegram
from collab.notifications.telegram_outbox import enabled
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import csrf, db
from collab.web.forms import ConfirmForm

bp = Blueprint("telegram", __name__)


@bp.route("/telegram/updates", methods=["POST"])
@access(public=True)  # Telegram proves itself with the secret it was given, not a session
@csrf.exempt
def updates():
    secret = current_app.config.get("TELEGRAM_WEBHOOK_SECRET")
    if not enabled() or not secret:
        return {"ok": False, "error": "Telegram is not set up here"}, 404
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return {"ok": False, "error": "wrong secret token"}, 403
    update = request.get_json(silent=True)
    if not isinstance(update, dict):
        return {"ok": False, "error": "send one update as a JSON object"}, 400
    outcome = telegram.receive(update)
    db.session.commit()
    current_app.logger.info("telegram update %s: %s", update.get("update_id"), outcome)
    return {"ok": True}


def _back():
    return redirect(url_for("profile.index", _anchor="telegram"), code=303)


@bp.route("/profile/telegram/code", methods=["POST"])
@access()
def new_code():
    from collab.web.profile import index

    if not enabled() or not ConfirmForm().validate_on_submit():
        return _back()
    code = telegram.new_code(current_user)
    db.session.commit()
    # Shown on this response only: only its hash is stored.
    return index(new_telegram_code=code)


@bp.route("/profile/telegram/preferences", methods=["POST"])
@access()
def preferences():
    if ConfirmForm().validate_on_submit():
        try:
            telegram.set_preferences(
                current_user,
                assignments="assignments" in request.form,
                mentions="mentions" in request.form,
                alert_levels=request.form.getlist("alert_levels"),
                digests="digests" in request.form,
            )
        except ValidationFailed as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash("Your Telegram choices are saved.")
    return _back()


@bp.route("/profile/telegram/unlink", methods=["POST"])
@access()
def unlink():
    if ConfirmForm().validate_on_submit():
        telegram.unlink(current_user)
        db.session.commit()
        flash("Telegram is unlinked: nothing more goes to that chat.")
    return _back()
