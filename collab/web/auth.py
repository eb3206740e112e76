"""Signing in and out, forgotten passwords, accepting invitations."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from collab.accounts import invitations, people, signin
from collab.http.access import access
from collab.platform.errors import NotFound, ValidationFailed
from collab.platform.extensions import db, limiter
from collab.web.forms import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
)

bp = Blueprint("auth", __name__)

GENERIC_LOGIN_ERROR = "That e-mail and password do not match an active account."


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    # Only local paths: an attacker's link must not bounce a fresh login to their site. A
    # line break would split the Location header (a 500); browsers read "/\x" as "//x".
    path = target.replace("\\", "/") if target and target.isprintable() else ""
    if path.startswith("/") and not path.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@access(public=True)
@limiter.limit(
    _login_limit, methods=["POST"], deduct_when=lambda response: response.status_code == 401
)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        user = signin.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(form.next.data))
        error = GENERIC_LOGIN_ERROR
    elif request.method == "POST":
        error = GENERIC_LOGIN_ERROR if not form.errors.get("csrf_token") else None
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@access()
def logout():
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@access(public=True)
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        signin.request_password_reset(
            form.email.data,
            lambda raw: url_for("auth.reset_password", token=raw, _external=True),
        )
        db.session.commit()
        flash("If that address has an account, a reset link is on its way.")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access(public=True)
def reset_password(token: str):
    try:
        signin.open_password_reset(token)
    except NotFound as exc:
        return render_template("auth/link_invalid.html", message=exc.message), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            signin.reset_password(token, form.password.data)
        except ValidationFailed as exc:
            form.password.errors = list(exc.fields.values())
        else:
            db.session.commit()
            flash("Your password is changed. Sign in with it.")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@access(public=True)
def accept_invitation(token: str):
    try:
        invitation = invitations.open_invitation(token)
    except NotFound as exc:
        return render_template("auth/link_invalid.html", message=exc.message), 404
    existing = people.user_by_email(invitation.email)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        if existing is not None and (
            not current_user.is_authenticated or current_user.id != existing.id
        ):
            flash("Sign in as " + existing.email + " to accept this invitation.")
            return redirect(url_for("auth.login", next=request.path))
        try:
            user = invitations.accept_invitation(token, form.name.data or "", form.password.data)
        except ValidationFailed as exc:
            for field, message in exc.fields.items():
                getattr(form, field, form.password).errors = [message]
        else:
            db.session.commit()
            login_user(user)
            flash(f"Welcome to {invitation.organization.name}.")
            return redirect(url_for("board.board", org=invitation.organization.slug))
    return render_template("auth/accept.html", form=form, invitation=invitation, existing=existing)
