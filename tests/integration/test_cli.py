"""The CLI of API.md: create-org, create-user, create-token, seed-demo."""

from sqlalchemy import func, select

from collab.models import Membership, Organization, User
from collab.platform.extensions import db
from tests.support.factories import login


def test_create_org_and_user_then_sign_in(runner, client):
    result = runner.invoke(
        args=["create-org", "acme", "--name", "Acme Corp", "--timezone", "Europe/Moscow"]
    )
    assert result.exit_code == 0, result.output
    org = db.session.scalar(select(Organization).where(Organization.slug == "acme"))
    assert (org.kind, org.timezone) == ("client", "Europe/Moscow")
    result = runner.invoke(
        args=[
            "create-user",
            "boss@acme.example",
            "--org",
            "acme",
            "--role",
            "cio",
            "--password",
            "a-long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert login(client, "boss@acme.example", "a-long-password").status_code == 302


def test_create_org_rejects_bad_input(runner):
    result = runner.invoke(args=["create-org", "Bad Slug!", "--name", "X"])
    assert result.exit_code != 0 and "slug" in result.output
    result = runner.invoke(args=["create-org", "ok", "--name", "X", "--timezone", "Mars/Base"])
    assert result.exit_code != 0 and "time zone" in result.output


def test_create_user_admin_marks_an_operator(runner):
    result = runner.invoke(
        args=["create-user", "ops@example.com", "--admin", "--password", "a-long-password"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "ops@example.com")).is_admin


def test_create_user_adds_a_membership_to_an_existing_user(runner):
    runner.invoke(args=["create-org", "one", "--name", "One"])
    runner.invoke(args=["create-org", "two", "--name", "Two"])
    runner.invoke(
        args=[
            "create-user",
            "am@agency.example",
            "--org",
            "one",
            "--role",
            "agency",
            "--password",
            "a-long-password",
        ]
    )
    result = runner.invoke(
        args=["create-user", "am@agency.example", "--org", "two", "--role", "agency"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 2


def test_create_user_with_unknown_org_fails_cleanly(runner):
    result = runner.invoke(
        args=[
            "create-user",
            "x@example.com",
            "--org",
            "nope",
            "--role",
            "it",
            "--password",
            "a-long-password",
        ]
    )
    assert result.exit_code != 0 and "no organisation" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_seed_demo_is_idempotent_and_its_logins_work(runner, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Organization, User, Membership)
    ]
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert counts == [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Organization, User, Membership)
    ]
    assert counts[0] == 3  # the agency and two clients
    from collab.demo.seed import DEMO_PASSWORD

    assert "cio@techsoft.example" in first.output
    assert login(client, "cio@techsoft.example", DEMO_PASSWORD).status_code == 302
    assert client.get("/orgs/techsoft/board").status_code == 200
    # Each client has a CIO, a CMO, two IT and two marketing people.
    roles = db.session.scalars(
        select(Membership.role).join(Organization).where(Organization.slug == "cloudline")
    ).all()
    assert sorted(roles) == sorted(
        ["agency", "agency", "cio", "cmo", "it", "it", "marketing", "marketing"]
    )


def test_seed_demo_has_work_in_every_state(runner):
    from collab.models import Recommendation, Task

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    statuses = set(db.session.scalars(select(Task.status)))
    assert statuses == {"triage", "todo", "in_progress", "review", "done", "rejected"}
    assert db.session.scalar(select(func.count()).where(Task.waiting_on_agency.is_(True)))
    assert db.session.scalar(select(func.count()).where(Task.team.is_(None)))
    before = db.session.scalar(select(func.count()).select_from(Recommendation))
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Recommendation)) == before


def test_jobs_run_relay_with_redis_away_sends_mail_and_keeps_jobs(app, runner):
    from collab.notifications.outbox import queue_email
    from collab.platform.queue import OutboxJob, later
    from tests.support.servers import free_port

    queue_email("cio@acme.example", "A recommendation waits", "Please triage it.")
    job = later("workers.jobs.measure_task_impact", 7)
    db.session.commit()
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"

    result = runner.invoke(args=["jobs", "run", "relay"])
    assert result.exit_code == 0, result.output
    assert "relay: jobs stay queued in the database (the job queue cannot be reached" in (
        result.output
    )
    assert "relay: 0 jobs enqueued, 1 e-mails sent, 0 failed, 0 pending" in result.output
    db.session.expire_all()
    kept = db.session.get(OutboxJob, job.id)
    assert (kept.enqueued_at, kept.failed) == (None, False)  # the next relay hands it over
    with open(app.config["MAIL_LOG"], encoding="utf-8") as log:
        assert "Subject: A recommendation waits" in log.read()


def test_jobs_run_says_where_links_point_when_base_url_is_not_set(app, runner):
    # `flask jobs run` in a shell without BASE_URL (or the PORT `make run` exports) used to
    # write links to port 5000 without a word.
    app.config.update(BASE_URL="http://127.0.0.1:5000", BASE_URL_FROM="default")
    result = runner.invoke(args=["jobs", "run", "overdue"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("overdue: ")  # the job's one line stays alone on stdout
    assert "links in messages point at http://127.0.0.1:5000" in result.stderr
    assert "set BASE_URL" in result.stderr

    impact = runner.invoke(args=["jobs", "run", "impact"])  # writes no links: no note
    assert impact.exit_code == 0 and impact.stderr == ""
    app.config.update(BASE_URL="https://collab.example.com", BASE_URL_FROM="BASE_URL")
    quiet = runner.invoke(args=["jobs", "run", "overdue"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
