"""All models, so that Alembic and the app see one metadata."""

from collab.models.accounts import (  # noqa: F401
    ROLES,
    ApiToken,
    Invitation,
    Membership,
    Organization,
    PasswordReset,
    User,
    facts_changed,
    facts_uncommitted,
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

# isort: split
# Loaded after the core models, which they refer to.
from collab.models.alerts import Alert, OutboxEmail  # noqa: F401
from collab.models.audit import AuditEvent  # noqa: F401
from collab.models.site_audits import (  # noqa: F401
    AuditChange,
    AuditCsvColumn,
    AuditImport,
    AuditIssue,
    AuditRouting,
    AuditSite,
)

# Aggregates whose classes are used through their modules (collab.models.kpis.X).
from collab.models import integrations, kpis, notes, telegram  # noqa: F401  # isort: skip
from collab.platform import queue  # noqa: F401  # isort: skip  (its outbox_job table)
