"""All models, so that Alembic and the app see one metadata."""

# Aggregates whose classes are used through their modules (collab.models.kpis.X).
from collab.models import kpis, notes  # noqa: E402,F401
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
