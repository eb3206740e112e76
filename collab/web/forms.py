"""Forms: Flask-WTF gives each one its CSRF token and field errors."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from collab.accounts.passwords import MIN_PASSWORD
from collab.models.accounts import ROLE_LABELS

ROLE_CHOICES = [SelectChoice(role, label) for role, label in ROLE_LABELS.items()]


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in")
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)]
    )
    confirm = PasswordField(
        "Repeat it", validators=[DataRequired(), EqualTo("password", "the two entries differ")]
    )


class AcceptInvitationForm(FlaskForm):
    name = StringField("Your name", validators=[Optional(), Length(max=200)])
    password = PasswordField(
        "Choose a password", validators=[Optional(), Length(min=MIN_PASSWORD, max=200)]
    )


class InviteForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    """A button that changes something: only its CSRF token matters."""


class TokenForm(FlaskForm):
    name = StringField("What is it for?", validators=[Optional(), Length(max=100)])
