"""Forms: Flask-WTF gives each one its CSRF token and field errors."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from collab.accounts.passwords import MIN_PASSWORD
from collab.models.accounts import ROLE_LABELS

ROLE_CHOICES = [SelectChoice(role, label) for role, label in ROLE_LABELS.items()]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)]
    )
    confirm = PasswordField(
        _l("Repeat it"),
        validators=[
            DataRequired(),
            EqualTo("password", _l("The two entries differ: type the new password again.")),
        ],
    )


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=200)])
    password = PasswordField(
        _l("Choose a password"), validators=[Optional(), Length(min=MIN_PASSWORD, max=200)]
    )


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    """A button that changes something: only its CSRF token matters."""


class TokenForm(FlaskForm):
    name = StringField(_l("What is it for?"), validators=[Optional(), Length(max=100)])
