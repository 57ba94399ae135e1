"""`paperwire digest send`: compose what is due into the outbox, then deliver it."""

from __future__ import annotations

import sys

import click

from paperwire.cli import AppContext, pass_app
from paperwire.digest.subscriptions import PERIODS


def add_commands(group: click.Group) -> None:
    group.add_command(send_command)


@click.command("send")
@click.option("--period", type=click.Choice(PERIODS), help="Only daily or only weekly digests (default: both).")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; write and send nothing.")
@click.option("--user", "username", metavar="NAME",
              help="Only this member's digest, for their current period at once, whatever their hour.")
@click.option("--jobs", type=click.IntRange(1, 64), metavar="N",
              help="Processes composing at once (default: the compose_jobs setting, 1); e.g. 2 on 2 cores.")
@pass_app
def send_command(app: AppContext, period: str | None, dry_run: bool, username: str | None, jobs: int | None) -> None:
    """Compose every digest that is due into the outbox, then send what the outbox holds.

    A digest is composed once per reader and period: running this again (or from two
    cron jobs at once) sends nothing twice. What could not be sent stays in the outbox
    and is retried by the next run, with backoff, until outbox_give_up_hours.

    \b
    Examples:
      paperwire digest send --period daily            # from cron, every 15 minutes
      paperwire digest send --period daily --dry-run
      paperwire digest send --user ann                # ann's digest now
      paperwire digest send --period daily --jobs 2   # 10,000 readers: both cores compose

    Exit status: 0 something was composed or sent (with --dry-run: would be), 1 nothing
    was due, 2 some digest could not be composed or sent (each is listed; those sent are kept).
    """
    outcome = run_digests(app, period=period, username=username, dry_run=dry_run, jobs=jobs)
    sys.exit(outcome)


def run_digests(app: AppContext, *, period: str | None = None, username: str | None = None,
                dry_run: bool = False, jobs: int | None = None) -> int:
    """Compose, then (not in a dry run) deliver; print what happened; the exit status above."""
    from paperwire.accounts.timestamps import utc_now
    from paperwire.digest.compose import UnknownReader, compose_due
    from paperwire.digest.deliver import deliver_due
    from paperwire.mail.smtp import mail_enabled
    from paperwire.search.backends import open_search

    settings, catalog = app.settings, app.existing_catalog
    if not dry_run and not mail_enabled(settings):
        click.echo("no mail can be sent: set smtp_host (and smtp_port, smtp_security) in paperwire.toml", err=True)
        return 2
    try:
        composed = compose_due(catalog.engine, settings, open_search(settings, catalog), now=utc_now(),
                               period=period, user=username, dry_run=dry_run, jobs=jobs or settings.compose_jobs)
    except UnknownReader as error:
        click.echo(f"error: {error}", err=True)
        return 2
    for digest in composed.composed:
        parts = ", ".join(f"{name} {count}" for name, count in digest.sections)
        click.echo(f"{'would send' if dry_run else 'composed'} {digest.period_key} to {digest.to_address}: "
                   f"{digest.subject} ({parts})")
    click.echo(f"composed {len(composed.composed)}, nothing new for {composed.empty}, "
               f"already composed {composed.already}" + (" (dry run: nothing written)" if dry_run else ""))
    errors = list(composed.errors)
    changed = bool(composed.composed)
    if not dry_run:
        delivered = deliver_due(catalog.engine, settings)
        click.echo(delivered.summary())
        errors += delivered.errors
        changed = changed or delivered.changed
    for error in errors:
        click.echo(f"  error: {error}", err=True)
    return 2 if errors else 0 if changed else 1
