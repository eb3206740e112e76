"""An organisation's own audit settings: the hosts of its website, its routing of audit ids
and crawler issues, and the columns of its crawler's CSV files.

Hosts keep an agency that serves several clients from filing client A's pages into client B:
an organisation that lists none learns them from its first import; afterwards a file with
pages elsewhere is refused, naming the hosts, until a director adds them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext
from sqlalchemy import delete, select

from collab.audits.errors import AuditFileError
from collab.audits.findings import AuditBatch
from collab.audits.routes import SOURCES, UnknownAuditCategory, check_overrides
from collab.models import Membership, Organization
from collab.models.site_audits import CSV_ROLES, AuditCsvColumn, AuditRouting, AuditSite
from collab.platform.errors import N_, ValidationFailed
from collab.platform.extensions import db
from collab.platform.tenancy import row_of

MAX_HOST = 253  # characters in a DNS name
_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def hosts_of(org: Organization) -> list[AuditSite]:
    return list(
        db.session.scalars(
            select(AuditSite).where(AuditSite.organization_id == org.id).order_by(AuditSite.host)
        )
    )


def add_host(org: Organization, actor: Membership, text: str) -> AuditSite:
    host = _clean_host(text)
    if host is None:
        raise ValidationFailed(
            gettext("the host was not added"),
            {"host": gettext("write a host name such as www.example.com")},
        )
    known = db.session.scalar(
        select(AuditSite).where(AuditSite.organization_id == org.id, AuditSite.host == host)
    )
    if known is not None:
        return known
    site = AuditSite(organization_id=org.id, host=host, added_by_id=actor.user_id)
    db.session.add(site)
    db.session.flush()
    return site


def remove_host(org: Organization, site_id: int) -> None:
    db.session.delete(
        row_of(
            org.id,
            AuditSite,
            site_id,
            N_("there is no site #%(id)s here (it may be removed already); reload the page"),
        )
    )
    db.session.flush()


def _clean_host(text: str) -> str | None:
    host = (text or "").strip().lower()
    host = re.sub(r"^[a-z]+://", "", host).split("/", 1)[0].split(":", 1)[0].rstrip(".")
    return host if _HOST.match(host) else None


def foreign_hosts(org: Organization, hosts: Iterable[str]) -> list[str]:
    """Of ``hosts``, those the organisation does not list; none while it lists no host at all
    (its first import teaches them)."""
    known = _known(org)
    if not known:
        return []
    return sorted(set(hosts) - known)


def _known(org: Organization) -> set[str]:
    return set(
        db.session.scalars(select(AuditSite.host).where(AuditSite.organization_id == org.id))
    )


def check_hosts(
    org: Organization, actor: Membership, batch: AuditBatch, hosts: list[str], add_hosts: bool
) -> list[str]:
    """The hosts this import adds to the organisation's list (all of them on a first import;
    on later ones, those a director agreed to add). Raises AuditFileError naming the file and
    the hosts when pages lie elsewhere and nobody who may add them agreed. ``hosts`` are the
    batch's (collab.audits.plans.hosts_of)."""
    if not hosts:
        return []
    odd = [host for host in hosts if len(host) > MAX_HOST]
    if odd:
        raise AuditFileError(
            _first_file_on(batch, set(odd)),
            gettext(
                "names a host of %(count)s characters, which no site has: check the report's "
                "addresses",
                count=f"{len(odd[0]):,}",
            ),
        )
    known = _known(org)
    if not known:
        return hosts
    foreign = sorted(set(hosts) - known)
    if not foreign:
        return []
    if add_hosts and actor.is_director:
        return foreign
    raise AuditFileError(_first_file_on(batch, set(foreign)), host_refusal(org, foreign, actor))


def host_refusal(org: Organization, foreign: list[str], actor: Membership) -> str:
    listed = ", ".join(h.host for h in hosts_of(org))
    named = ", ".join(foreign[:10])
    if len(foreign) > 10:
        named = gettext("%(hosts)s and %(count)s more", hosts=named, count=len(foreign) - 10)
    if actor.is_director:
        how = gettext("tick “add these hosts” (add_hosts=true) to import it anyway")
    else:
        how = gettext("a director of the organisation can add them on the settings page")
    return gettext(
        "has pages on %(hosts)s, which is not a site of %(org)s (its sites: %(sites)s); %(how)s",
        hosts=named,
        org=org.name,
        sites=listed,
        how=how,
    )


def _first_file_on(batch: AuditBatch, foreign: set[str]) -> str:
    from collab.audits.pages import host_of

    for index, report in enumerate(batch.reports):
        pages = list(report.pages) + [
            u for f in batch.findings if f.report == index for u in f.urls
        ]
        if any(host_of(p) in foreign for p in pages):
            return report.file
    return batch.reports[0].file if batch.reports else "upload"


def learn_hosts(org: Organization, actor: Membership, hosts: Iterable[str]) -> None:
    for host in hosts:
        db.session.add(AuditSite(organization_id=org.id, host=host, added_by_id=actor.user_id))
    db.session.flush()


# --- routing overrides ---------------------------------------------------------------------


def overrides_of(org: Organization) -> list[AuditRouting]:
    return list(
        db.session.scalars(
            select(AuditRouting)
            .where(AuditRouting.organization_id == org.id)
            .order_by(AuditRouting.identifier)
        )
    )


def override_map(org: Organization) -> dict[str, str]:
    return {row.identifier: row.category for row in overrides_of(org)}


def set_override(org: Organization, actor: Membership, identifier: str, category: str):
    """Routes an audit id or issue (``lighthouse:label``, ``label``) the organisation's way;
    the same identifier again replaces its category."""
    identifier = (identifier or "").strip()[:400]
    source, colon, key = identifier.partition(":")
    if colon and (source not in SOURCES or not key.strip()):
        raise ValidationFailed(
            gettext("the routing was not saved"),
            {
                "identifier": gettext(
                    "write an audit id or issue key, optionally after one of %(sources)s",
                    sources=", ".join(f"{s}:" for s in SOURCES),
                )
            },
        )
    try:
        checked = check_overrides({identifier: category})
    except UnknownAuditCategory as exc:
        field = "identifier" if not identifier else "category"
        raise ValidationFailed(gettext("the routing was not saved"), {field: str(exc)}) from None
    row = db.session.scalar(
        select(AuditRouting).where(
            AuditRouting.organization_id == org.id, AuditRouting.identifier == identifier
        )
    )
    if row is None:
        row = AuditRouting(
            organization_id=org.id, identifier=identifier, created_by_id=actor.user_id
        )
        db.session.add(row)
    row.category = checked[identifier]
    db.session.flush()
    return row


def remove_override(org: Organization, override_id: int) -> None:
    db.session.delete(
        row_of(
            org.id,
            AuditRouting,
            override_id,
            N_(
                "there is no routing choice #%(id)s here (it may be removed already); "
                "reload the page"
            ),
        )
    )
    db.session.flush()


# --- crawler CSV columns -------------------------------------------------------------------


def csv_columns(org: Organization) -> dict[str, str]:
    rows = db.session.scalars(
        select(AuditCsvColumn).where(AuditCsvColumn.organization_id == org.id)
    )
    return {row.role: row.column for row in rows}


def set_csv_columns(org: Organization, columns: dict[str, str | None]) -> None:
    """Remembers which columns of the organisation's crawler CSVs hold the URL, the issue
    and the details; an empty name forgets that role."""
    errors = {}
    cleaned: dict[str, str] = {}
    for role in CSV_ROLES:
        name = (columns.get(role) or "").strip()
        if len(name) > 200:
            errors[role] = gettext(
                "%(count)s characters; shorten the column name to at most 200", count=len(name)
            )
        elif name:
            cleaned[role] = name
    if bool(cleaned.get("url")) != bool(cleaned.get("issue")):
        errors["issue" if cleaned.get("url") else "url"] = gettext(
            "name both the URL and the issue column"
        )
    if errors:
        raise ValidationFailed(gettext("the columns were not saved"), errors)
    db.session.execute(delete(AuditCsvColumn).where(AuditCsvColumn.organization_id == org.id))
    for role, name in cleaned.items():
        db.session.add(AuditCsvColumn(organization_id=org.id, role=role, column=name))
    db.session.flush()
