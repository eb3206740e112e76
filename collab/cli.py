"""`flask --app wsgi ...` commands: thin adapters over collab's functions."""

from __future__ import annotations

import click
from flask import Flask

from collab.accounts import organisations, people, tokens
from collab.platform.errors import DomainError
from collab.platform.extensions import db


def _fail(error: DomainError) -> None:
    details = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
    raise click.ClickException(error.message + (f" ({details})" if details else ""))


# Jobs whose messages carry links back into collab (the impact job writes none).
LINKING_JOBS = ("overdue", "relay", "digest")


def _warn_about_links(app: Flask) -> None:
    """A shell without BASE_URL (and without the PORT `make run` exported) would silently
    write links to the default port; say so on stderr, where the job's one line is not."""
    source = app.config.get("BASE_URL_FROM", "BASE_URL")
    if source == "BASE_URL":
        return
    base = app.config["BASE_URL"]
    where = "PORT" if source == "PORT" else "the default port"
    advice = "set BASE_URL to the address people open"
    if app.config.get("PRODUCTION"):
        advice += " (in production always: only BASE_URL can name the host behind a proxy)"
    click.echo(f"note: links in messages point at {base} (from {where}); {advice}", err=True)


def register(app: Flask) -> None:
    @app.cli.command("create-org")
    @click.argument("slug")
    @click.option("--name", required=True)
    @click.option("--kind", type=click.Choice(["client", "agency"]), default="client")
    @click.option("--timezone", default="UTC", help="IANA name, e.g. Europe/Moscow")
    @click.option("--currency", default="USD", help="ISO code of its money: USD, EUR, RUB...")
    def create_org(slug, name, kind, timezone, currency):
        """Add an organisation (a client company by default)."""
        try:
            org = organisations.create_org(
                slug, name, kind=kind, timezone=timezone, currency=currency.upper()
            )
        except DomainError as exc:
            _fail(exc)
        db.session.commit()
        click.echo(f"created {org.kind} organisation {org.slug}")

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--org", "org_slug", help="organisation slug for the membership")
    @click.option("--role", type=click.Choice(["agency", "cio", "cmo", "it", "marketing"]))
    @click.option("--password", help="omit to be asked (or to rely on a reset link)")
    @click.option("--name", default="")
    @click.option("--admin", is_flag=True, help="platform operator: operational pages only")
    def create_user(email, org_slug, role, password, name, admin):
        """Add a user, or a membership to an existing user."""
        if bool(org_slug) != bool(role):
            raise click.UsageError("--org and --role go together")
        if not org_slug and not admin:
            raise click.UsageError("give --org and --role, or --admin")
        try:
            user = people.user_by_email(email)
            if user is None:
                user = people.create_user(email, password=password, name=name, is_admin=admin)
                click.echo(f"created user {user.email}")
            elif admin and not user.is_admin:
                user.is_admin = True
                click.echo(f"{user.email} is now a platform operator")
            if org_slug:
                org = organisations.org_by_slug(org_slug)
                people.add_membership(user, org, role)
                click.echo(f"{user.email} is {role} in {org.slug}")
        except DomainError as exc:
            db.session.rollback()
            _fail(exc)
        db.session.commit()

    @app.cli.command("create-token")
    @click.argument("email")
    @click.option("--name", default="cli")
    def create_token(email, name):
        """Print a new API token for EMAIL, alone on one line."""
        user = people.user_by_email(email)
        if user is None or not user.active:
            raise click.ClickException(f"no active user {email}")
        _, raw = tokens.issue_token(user, name)
        db.session.commit()
        click.echo(raw)

    @app.cli.group("jobs")
    def jobs_group():
        """Periodic jobs, run here and now (the workers run them on schedule)."""

    @jobs_group.command("run")
    @click.argument(
        "name",
        type=click.Choice(
            ["overdue", "impact", "relay", "digest", "webhooks", "reports", "telegram"]
        ),
    )
    def run_job(name):
        """Run one job in this process and print what it did."""
        if name in LINKING_JOBS:
            _warn_about_links(app)
        if name == "overdue":
            from collab.followup.alerts import scan

            click.echo(scan().line())
        elif name == "impact":
            from collab.impacts.job import run_impact

            click.echo(run_impact())
        elif name == "relay":
            from collab.notifications.outbox import relay
            from collab.platform.queue import QueueAway, relay_jobs

            try:
                jobs = relay_jobs()
            except QueueAway as away:  # e-mail can still go out
                click.echo(f"relay: jobs stay queued in the database ({away})")
                jobs = 0
            mail = relay()
            click.echo(
                f"relay: {jobs} jobs enqueued, {mail['sent']} e-mails sent, "
                f"{mail['failed']} failed, {mail['pending']} pending"
            )
        elif name == "webhooks":
            from collab.integrations import deliveries, slack_relay, telegram_relay

            click.echo(deliveries.relay_line(deliveries.relay()))
            click.echo(slack_relay.relay_line(slack_relay.relay()))
            click.echo(telegram_relay.relay_line(telegram_relay.relay()))
        elif name == "telegram":
            from collab.integrations import telegram_updates

            click.echo(telegram_updates.poll_line(telegram_updates.poll()))
        elif name == "reports":
            from collab.reports.mailing import send_monthly_reports

            click.echo(f"monthly reports: {send_monthly_reports()} organisations' reports queued")
        else:
            from collab.followup.digest import send_digests

            click.echo(f"digest: {send_digests()} digests queued")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Idempotent demo data; prints the demo logins."""
        from collab.demo.seed import DEMO_PASSWORD, seed_demo

        logins = seed_demo()
        click.echo(f"demo logins (password {DEMO_PASSWORD}):")
        for login in logins:
            click.echo(f"  {login.email:32} {login.role:18} {login.org}")
