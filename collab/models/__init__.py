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
from collab.models.work import (  # noqa: F401
    PRIORITIES,
    RESOLUTIONS,
    STATUSES,
    BoardCount,
    Comment,
    Event,
    Notification,
    Recommendation,
    RecommendationUrl,
    RoutingRule,
    Task,
)
