"""API routes: thin adapters over collab's functions."""

from __future__ import annotations

from flask import g, jsonify

from collab.accounts.people import memberships_of
from collab.api import bp
from collab.api.openapi import document
from collab.api.responses import Me
from collab.api.validation import operation
from collab.http.access import access


@bp.route("/openapi.json")
@access(public=True)
@operation(answers={200: (None, "the OpenAPI 3.1 document")})
def openapi():
    """This document"""
    return jsonify(document())


@bp.route("/me")
@access()
@operation(answers={200: Me})
def me():
    """Who the token belongs to, and their memberships"""
    user = g.api_user
    return jsonify(
        {
            "email": user.email,
            "name": user.name,
            "memberships": [
                {"org": m.organization.slug, "role": m.role} for m in memberships_of(user)
            ],
        }
    )
