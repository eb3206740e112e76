"""The header's language switch: a small form that works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request
from flask_babel import get_locale
from flask_login import current_user

from collab.accounts import people
from collab.http.access import access
from collab.platform import i18n
from collab.platform.extensions import db
from collab.web.auth import safe_next

bp = Blueprint("language", __name__)

YEAR = 365 * 24 * 3600


@bp.route("/language", methods=["POST"])
@access(public=True)
def switch():
    """A signed-in person's choice goes to their profile, so e-mails follow it too; the
    cookie keeps it for this browser once they sign out, and for visitors."""
    language = i18n.supported(request.form.get("language"))
    response = redirect(safe_next(request.form.get("next")), code=303)
    if language is None:
        return response
    if current_user.is_authenticated:
        people.set_language(current_user, language)
        db.session.commit()
    response.set_cookie(
        i18n.LANGUAGE_COOKIE,
        language,
        max_age=YEAR,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


def _languages() -> dict:
    current = str(get_locale() or i18n.DEFAULT_LANGUAGE)
    return {
        "current_language": current,
        "languages": [(code, i18n.LANGUAGE_NAMES[code]) for code in i18n.LANGUAGES],
    }


def install(app) -> None:
    app.context_processor(_languages)
