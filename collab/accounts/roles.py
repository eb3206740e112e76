"""Who may do what: the table every view, the API and the domain functions ask.

Pure: roles and actions in, yes or no out. The web and API adapters apply it to each
request through collab.http.access; the domain applies it to finer rules."""

from __future__ import annotations

from collab.models.accounts import DIRECTOR_ROLES, ROLES, STAFF_ROLES

ALL_ROLES = frozenset(ROLES)
DIRECTORS = frozenset(DIRECTOR_ROLES)
STAFF = frozenset(STAFF_ROLES)

# action -> roles allowed. Finer rules (own team only, no internal comments for the
# agency) are checked by the domain functions with the helpers below.
ACTIONS: dict[str, frozenset[str]] = {
    "org.view": ALL_ROLES,
    "board.view": ALL_ROLES,
    "recommendation.file": frozenset({"agency"}) | DIRECTORS,
    "task.triage": DIRECTORS,
    "task.move": DIRECTORS | STAFF,
    "task.backfill": DIRECTORS,
    "comment.create": ALL_ROLES,
    "comment.internal": DIRECTORS | STAFF,
    "people.view": DIRECTORS,
    "people.manage": DIRECTORS,
    "audit.view": DIRECTORS,  # the audit log of sign-ins and rights
    # Site audits: Lighthouse reports and crawls imported into recommendations.
    "audit.import": frozenset({"agency"}) | DIRECTORS,
    "audit.undo": DIRECTORS,
    "settings.edit": DIRECTORS,
    "kpi.view": ALL_ROLES,
    "kpi.write": frozenset({"agency"}) | DIRECTORS,
    "notes.edit": frozenset({"agency"}) | DIRECTORS,
    "notes.mark_read": DIRECTORS | STAFF,
    "webhook.manage": DIRECTORS,
    "report.view": frozenset({"agency"}) | DIRECTORS,
}


def role_may(role: str | None, action: str) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return role in ACTIONS[action]
