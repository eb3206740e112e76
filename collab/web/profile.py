"""A person's own settings: name, time zone and language, e-mail, Telegram, password, API
tokens, the calendar feed."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, refresh
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from collab.accounts import people, signin, tokens
from collab.accounts.passwords import MIN_PASSWORD
from collab.http.access import access
from collab.integrations import calendar
from collab.notifications import telegram, telegram_outbox
from collab.platform.errors import ValidationFailed
from collab.platform.extensions import db
from collab.platform.i18n import LANGUAGE_NAMES, LANGUAGES, time_zones
from collab.platform.links import link
from collab.web.feedback import refuse
from collab.web.forms import ConfirmForm, TokenForm

bp = Blueprint("profile", __name__, url_prefix="/profile")


class DetailsForm(FlaskForm):
    """The person's name, time zone and language: domain rules (people.edit_profile) judge
    them, so the form only carries them."""

    name = StringField(_l("Name"), render_kw={"autocomplete": "name", "maxlength": 200})
    time_zone = SelectField(_l("Time zone"), validate_choice=False)
    language = SelectField(_l("Language"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An empty choice keeps the defaults: UTC, and the language the browser asks for.
        self.time_zone.choices = [("", gettext("UTC (none chosen)"))] + [
            (zone, zone) for zone in time_zones()
        ]
        self.language.choices = [("", gettext("My browser's language"))] + [
            (code, LANGUAGE_NAMES[code]) for code in LANGUAGES
        ]


class PasswordChangeForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a new password.")),
            Length(
                min=MIN_PASSWORD,
                max=200,
                message=_l(
                    "New password: use %(min)s to %(max)s characters.", min=MIN_PASSWORD, max=200
                ),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat it"),
        validators=[
            DataRequired(_l("Repeat the new password.")),
            EqualTo("password", _l("The two entries differ: type the new password again.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


@bp.route("/")
@access()
def index(
    new_token: str | None = None,
    status: int = 200,
    password_form=None,
    new_telegram_code: str | None = None,
    details_form=None,
):
    return (
        render_template(
            "profile/index.html",
            details_form=details_form or _details_of(current_user),
            tokens=tokens.tokens_of(current_user),
            token_form=TokenForm(),
            confirm_form=ConfirmForm(),
            password_form=password_form or PasswordChangeForm(),
            new_token=new_token,
            calendar_feed=calendar.feed_of(current_user),
            calendar_url=_calendar_url(),
            telegram_on=telegram_outbox.enabled(),
            telegram_link=telegram.link_of(current_user),
            telegram_bot=current_app.config["TELEGRAM_BOT_NAME"],
            telegram_minutes=telegram.CODE_MINUTES,
            new_telegram_code=new_telegram_code,
        ),
        status,
    )


def _details_of(person) -> DetailsForm:
    return DetailsForm(
        formdata=None,
        name=person.name,
        time_zone=person.time_zone or "",
        language=person.language or "",
    )


@bp.route("/details", methods=["POST"])
@access()
def edit_details():
    form = DetailsForm()
    if not form.validate_on_submit():
        return index(status=422, details_form=form)
    try:
        people.edit_profile(current_user, form.name.data, form.time_zone.data, form.language.data)
    except ValidationFailed as exc:
        refuse(exc, form, fallback="name", inline=True)
        return index(status=422, details_form=form)
    db.session.commit()
    refresh()  # said in the language just chosen, as the next page is
    flash(gettext("Your details are saved."))
    return redirect(url_for("profile.index"), code=303)


@bp.route("/password", methods=["POST"])
@access()
def change_password():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return index(status=422, password_form=form)
    user = current_user._get_current_object()
    try:
        signin.change_password(user, form.current.data, form.password.data, request.remote_addr)
    except ValidationFailed as exc:
        refuse(exc, form, fallback="password", inline=True)
        return index(status=422, password_form=form)
    db.session.commit()
    # Every other session and remember token has ended; this browser signs in afresh.
    login_user(user)
    flash(gettext("Your password is changed. Every other device is signed out."))
    return redirect(url_for("profile.index"), code=303)


@bp.route("/email", methods=["POST"])
@access()
def email_mode():
    if ConfirmForm().validate_on_submit():
        people.set_email_mode(current_user, request.form.get("email_mode", ""))
        db.session.commit()
        flash(gettext("Your e-mail preference is saved."))
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
        flash(gettext("Token revoked: scripts using it now get 401."))
    return redirect(url_for("profile.index"))


def _calendar_url() -> str | None:
    feed = calendar.feed_of(current_user)
    if feed is None:
        return None
    return link("calendar.feed", current_app.config["BASE_URL"], token=calendar.token_of(feed))


@bp.route("/calendar", methods=["POST"])
@access()
def calendar_address():
    """Turns the feed on, or gives it a new address (the old one stops working)."""
    if ConfirmForm().validate_on_submit():
        had = calendar.feed_of(current_user) is not None
        calendar.new_address(current_user)
        db.session.commit()
        flash(
            gettext("Your calendar feed has a new address: the old one no longer works.")
            if had
            else gettext("Your calendar feed is on: subscribe to its address in your calendar.")
        )
    return redirect(url_for("profile.index", _anchor="calendar"), code=303)


@bp.route("/calendar/off", methods=["POST"])
@access()
def calendar_off():
    if ConfirmForm().validate_on_submit():
        calendar.turn_off(current_user)
        db.session.commit()
        flash(gettext("Your calendar feed is off: its address no longer works."))
    return redirect(url_for("profile.index", _anchor="calendar"), code=303)
