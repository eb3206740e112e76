"""Another organisation's rows do not exist for this one: the one lookup every "X of this
organisation by id" goes through, so a row of a neighbour answers exactly as a missing one."""

from __future__ import annotations

from typing import TypeVar

from flask_babel import gettext

from collab.platform.errors import NotFound
from collab.platform.extensions import db

Row = TypeVar("Row")


def row_of(org_id: int, model: type[Row], row_id, missing: str, **options) -> Row:
    """The ``model`` row ``row_id`` if it belongs to the organisation, else NotFound saying
    ``missing`` (marked N_, filled with the ``id`` asked for) in the asker's language.
    ``options``: loader options for db.session.get (e.g. a joinedload)."""
    row = db.session.get(model, row_id, **options)
    if row is None or row.organization_id != org_id:
        raise NotFound(gettext(missing, id=row_id))
    return row
