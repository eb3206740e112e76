"""Signing in and out, forgotten passwords, accepting invitations."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from collab.accounts import invitations, people, signin
from collab.http.access import access
from collab.platform.clock import utcnow
from collab.platform.errors import NotFound, ValidationFailed
from collab.platform.extensions import db, limiter
from collab.web.feedback import refuse
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


def safe_next(target: str | None) -> str:
    # Only local paths: an attacker's link must not bounce a fresh login to their site,
    # and a control character (a CR/LF to split the Location header) is no path at all.
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and target.isprintable()
    ):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("home.index")


def _link(endpoint: str, **values) -> str:
    """An absolute link for an e-mail, from BASE_URL: never from the request's Host header,
    which whoever asks for a reset link for someone else could set to their own site."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _wait_text(seconds: int) -> str:
    until = (utcnow() + timedelta(seconds=seconds)).strftime("%H:%M:%S UTC")
    if seconds < 90:
        return f"Try again in {seconds} seconds (after {until})."
    return f"Try again in {(seconds + 59) // 60} minutes (after {until})."


@bp.route("/login", methods=["GET", "POST"])
@access(public=True)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        attempt = signin.sign_in(form.email.data, form.password.data, request.remote_addr)
        db.session.commit()  # the audit log keeps failures too
        if attempt.retry_after:
            # Answered at once: the client waits, never a web worker.
            wait = attempt.retry_after
            page = render_template(
                "auth/login.html",
                form=form,
                error="Too many failed sign-ins for this account or from this address. "
                + _wait_text(wait),
            )
            return page, 429, {"Retry-After": str(wait)}
        if attempt.user is not None:
            login_user(attempt.user, remember=form.remember.data)
            return redirect(safe_next(form.next.data))
        error = GENERIC_LOGIN_ERROR
    elif request.method == "POST":
        error = GENERIC_LOGIN_ERROR if not form.errors.get("csrf_token") else None
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@access()
def logout():
    # Every session and remember-me cookie of this person ends, not just this browser's.
    signin.sign_out(current_user, request.remote_addr)
    db.session.commit()
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@access(public=True)
@limiter.limit(
    _login_limit,
    methods=["POST"],
    # Said to a person: the Retry-After header gives scripts the exact wait.
    error_message="Too many reset requests from this address. Wait a minute, then try again.",
)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        signin.request_password_reset(
            form.email.data,
            lambda raw: _link("auth.reset_password", token=raw),
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
            signin.reset_password(token, form.password.data, request.remote_addr)
        except ValidationFailed as exc:
            refuse(exc, form, fallback="password")
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
            refuse(exc, form, fallback="password")
        else:
            db.session.commit()
            login_user(user)
            flash(f"Welcome to {invitation.organization.name}.")
            return redirect(url_for("board.board", org=invitation.organization.slug))
    return render_template("auth/accept.html", form=form, invitation=invitation, existing=existing)
