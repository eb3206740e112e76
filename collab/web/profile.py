"""A person's own settings: API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from collab.accounts import people, tokens
from collab.http.access import access
from collab.platform.extensions import db
from collab.web.forms import ConfirmForm, TokenForm

bp = Blueprint("profile", __name__, url_prefix="/profile")


@bp.route("/")
@access()
def index(new_token: str | None = None, status: int = 200):
    return (
        render_template(
            "profile/index.html",
            tokens=tokens.tokens_of(current_user),
            token_form=TokenForm(),
            confirm_form=ConfirmForm(),
            new_token=new_token,
        ),
        status,
    )


@bp.route("/email", methods=["POST"])
@access()
def email_mode():
    if ConfirmForm().validate_on_submit():
        people.set_email_mode(current_user, request.form.get("email_mode", ""))
        db.session.commit()
        flash("Your e-mail preference is saved.")
    return redirect(url_for("profile.index"), code=303)


@bp.route("/tokens", methods=["POST"])
@access()
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return index(status=422)
    _, raw = tokens.issue_token(current_user, form.name.data or "")
    db.session.commit()
    # Shown once, on this response only: only its hash is stored.
    return index(new_token=raw)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@access()
def revoke_token(token_id: int):
    if ConfirmForm().validate_on_submit():
        tokens.revoke_token(current_user, token_id)
        db.session.commit()
        flash("Token revoked: scripts using it now get 401.")
    return redirect(url_for("profile.index"))
