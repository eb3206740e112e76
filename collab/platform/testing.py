"""Support for driving the app in-process, shared by the test suite and the bench."""

from __future__ import annotations

from flask import has_app_context
from flask.testing import FlaskClient

from collab.platform.extensions import db


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production: a fresh `g` and database
    session, even while the caller holds a context open for its own queries."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # What the caller holds is re-read after the request, as a second user would see it.
        if has_app_context():
            db.session.expire_all()
        return response
