"""`paperwire digest subscribe`, `unsubscribe` and `list`: members' digests from the command line.

The choices are checked by paperwire.digest.subscriptions, as on the settings page; an option
left out keeps what the member chose before (or a new subscription's default).
"""

from __future__ import annotations

import json

import click

from paperwire.cli import AppContext, pass_app
from paperwire.cli.users import member_named
from paperwire.community.errors import CommunityError
from paperwire.community.rules import Policy
from paperwire.digest import subscriptions
from paperwire.digest.subscriptions import DEFAULT_TIMEZONE, PERIODS, SECTIONS, WEEKDAYS, DigestChoice, Subscription


def add_commands(group: click.Group) -> None:
    for command in (subscribe_command, unsubscribe_command, list_command):
        group.add_command(command)


@click.command("subscribe")
@click.argument("name")
@click.option("--period", type=click.Choice(PERIODS), required=True, help="daily, or weekly on --weekday.")
@click.option("--sections", help=f"Comma-separated, from: {', '.join(SECTIONS)} (default: all).")
@click.option("--hour", type=click.IntRange(0, 23), help="0-23, in --timezone (default: the site's digest_hour).")
@click.option("--timezone", help=f"An IANA time zone name such as Europe/Berlin (default: {DEFAULT_TIMEZONE}).")
@click.option("--weekday", type=click.Choice(WEEKDAYS, case_sensitive=False), help="The weekly digest's day (default: mon).")
@pass_app
def subscribe_command(app: AppContext, name: str, period: str, sections: str | None, hour: int | None,
                      timezone: str | None, weekday: str | None) -> None:
    """Subscribe member NAME to a digest, or change theirs (subscribed again if they had left).

    It goes to the account's address once that address is verified.

    \b
    Examples:
      paperwire digest subscribe ann --period daily --sections trending,for-you
      paperwire digest subscribe bob --period weekly --weekday fri --hour 8 --timezone America/New_York
    """
    member = member_named(app, name)
    policy = Policy(app.settings)
    db = app.catalog.engine
    before = _or_exit(lambda: subscriptions.subscription_of(db, policy, member))
    choice = DigestChoice(
        period=period,
        hour=hour if hour is not None else before.hour if before else app.settings.digest_hour,
        timezone=timezone or (before.timezone if before else DEFAULT_TIMEZONE),
        weekday=WEEKDAYS.index(weekday.lower()) if weekday else before.weekday if before else 0,
        sections=tuple(s.strip() for s in sections.split(",")) if sections is not None else (
            before.sections if before else SECTIONS))
    done = _or_exit(lambda: subscriptions.subscribe_member(db, policy, member, choice))
    click.echo(f"{member.username}: {_described(done)}")
    if not done.confirmed:
        click.echo(f"nothing is sent until {done.email} is verified (see: paperwire user list)")


@click.command("unsubscribe")
@click.argument("name")
@pass_app
def unsubscribe_command(app: AppContext, name: str) -> None:
    """Unsubscribe member NAME from their digest (their choices are kept; digests waiting are cancelled).

    \b
    Example:
      paperwire digest unsubscribe ann
    """
    member = member_named(app, name)
    _or_exit(lambda: subscriptions.unsubscribe_member(app.catalog.engine, Policy(app.settings), member))
    click.echo(f"{member.username}: unsubscribed")


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_app
def list_command(app: AppContext, as_json: bool) -> None:
    """List every digest subscription, members' and visitors', with its state.

    State: active, unconfirmed (waiting for the link or a verified address), unsubscribed,
    or undeliverable (the mail server refused the address for good).

    \b
    Examples:
      paperwire digest list
      paperwire digest list --json | jq -r '.[] | select(.state == "active") | .email'
    """
    listed = subscriptions.all_subscriptions(app.existing_catalog.engine)
    if as_json:
        click.echo(json.dumps([{"id": s.id, "member": username, "email": s.email, "state": _state(s),
                                "period": s.period, "hour": s.hour, "timezone": s.timezone,
                                "weekday": WEEKDAYS[s.weekday], "sections": list(s.sections)}
                               for s, username in listed], indent=2))
        return
    for subscription, username in listed:
        click.echo(f"{subscription.id:>5}  {username or '(visitor)':<20} {subscription.email:<40} "
                   f"{_state(subscription):<13} {_described(subscription)}")


def _state(subscription: Subscription) -> str:
    if subscription.unsubscribed:
        return "unsubscribed"
    if subscription.undeliverable_at is not None:
        return "undeliverable"
    return "active" if subscription.active else "unconfirmed"


def _described(subscription: Subscription) -> str:
    when = f"{subscription.hour:02d}:00 {subscription.timezone}"
    if subscription.period == "weekly":
        when = f"{WEEKDAYS[subscription.weekday]} {when}"
    return f"{subscription.period} at {when}, sections {','.join(subscription.sections)}"


def _or_exit(operation):
    try:
        return operation()
    except CommunityError as error:
        raise click.ClickException(error.message) from None
