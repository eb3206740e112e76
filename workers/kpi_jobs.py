"""RQ entry points for KPIs and impacts: open an app context, call one collab function.

Their names are declared in collab/platform/jobs.py; measuring one task and the nightly run
are workers.jobs.measure_task_impact and workers.jobs.impact_run."""

from __future__ import annotations

from workers.jobs import app_context


def import_kpis(org_id: int, token: str, language: str | None = None) -> dict:
    """A long KPI file, kept by the import page under ``token`` in the instance folder this
    worker shares with the web app: read and written all or nothing, reporting progress in
    the job's meta.

    Answers the API's answer for the file, or {"error", "fields"} when it was refused
    (nothing written), in the uploader's ``language``."""
    with app_context():
        from collab.kpis import uploads
        from collab.models import Organization
        from collab.platform import queue
        from collab.platform.errors import DomainError
        from collab.platform.extensions import db
        from collab.platform.i18n import speaking

        org = db.session.get(Organization, int(org_id))
        if org is None:
            # Nobody reads this but operators: the organisation's pages went with it.
            return {"error": "the organisation no longer exists", "fields": {}}
        progress = queue.progress_reporter()
        try:
            with speaking(language):
                counts = uploads.import_in_stages(org, str(token), progress)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            return {"error": error.message, "fields": error.fields}
        uploads.forget(org, str(token))
        written = counts["inserted"] + counts["updated"] + counts["unchanged"]
        progress(written, written, "done")
        return counts


def measure_org(org_id: int | str) -> str:
    """Measures one organisation's impacts now (after its KPIs changed, or on request)."""
    with app_context():
        from collab.impacts import measuring
        from collab.models import Organization
        from collab.platform.extensions import db

        org = db.session.get(Organization, int(org_id))
        if org is None:
            return "impact: no such organisation"
        counts = measuring.measure_org(org)
        db.session.commit()
        return counts.line()
