"""RQ entry points for KPIs and impacts: open an app context, call one collab function."""

from __future__ import annotations

from workers.jobs import app_context


def import_kpis(org_id: int, text: str) -> dict:
    """A large CSV upload, all or nothing, reporting progress in the job's meta.

    Answers the counts, or {"error", "fields"} when the file was refused (nothing written)."""
    from rq import get_current_job

    job = get_current_job()

    def progress(done: int, total: int, stage: str = "writing") -> None:
        if job is not None:
            job.meta.update(done=done, total=total, stage=stage)
            job.save_meta()

    with app_context():
        from collab.kpis import recording
        from collab.models import Organization
        from collab.platform.errors import DomainError
        from collab.platform.extensions import db

        org = db.session.get(Organization, int(org_id))
        if org is None:
            return {"error": "the organisation no longer exists", "fields": {}}
        progress(0, 0, "checking")
        try:
            observations = recording.parse_upload(org, text)
            progress(0, len(observations))
            counts = recording.record_kpis(org, observations, progress)
            progress(len(observations), len(observations), "saving")
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            return {"error": error.message, "fields": error.fields}
        progress(len(observations), len(observations), "done")
        return counts


def measure_task(task_id: int) -> int:
    """Measures one task's impacts now (a task reached done)."""
    with app_context():
        from collab.impacts import job as impacts

        return impacts.measure_task(int(task_id))


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


def run_impact() -> str:
    """The nightly impact job over every organisation."""
    with app_context():
        from collab.impacts import job as impacts

        return impacts.run_impact()
