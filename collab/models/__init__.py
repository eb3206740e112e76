"""All models, so that Alembic and the app see one metadata."""

from collab.models.accounts import (  # noqa: F401
    ROLES,
    ApiToken,
    Invitation,
    Membership,
    Organization,
    PasswordReset,
    User,
)
