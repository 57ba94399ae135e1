"""`paperwire user ...`: accounts from the command line (create, list, roles, disable, tokens).

Passwords are read hidden (or from stdin) and never echoed; `user token` prints the new
token alone on stdout, so a script can capture it.
"""

from __future__ import annotations

import json
import sys

import click

from paperwire.accounts import tokens, users
from paperwire.accounts.errors import AccountError
from paperwire.accounts.members import ROLES, Member
from paperwire.cli import AppContext, pass_app


def register(main: click.Group) -> None:
    main.add_command(user)


@click.group()
def user() -> None:
    """Manage accounts: create members and admins, set roles, disable, issue API tokens.

    \b
    Examples:
      paperwire user create alice --email alice@example.org --admin
      paperwire user list
      paperwire user set-role bob moderator
      paperwire user disable mallory
      TOKEN=$(paperwire user token alice --scope write)
    """


@user.command("create")
@click.argument("name")
@click.option("--email", required=True, help="The member's e-mail address (counted as verified: you vouch for it).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
@click.option("--admin", is_flag=True, help="An admin: moderates, reads the audit log, sets roles.")
@click.option("--moderator", is_flag=True, help="A moderator: hides comments, approves claims, disables members.")
@pass_app
def create_command(app: AppContext, name: str, email: str, password_stdin: bool, admin: bool, moderator: bool) -> None:
    """Create an account. Without --password-stdin the password is asked twice, hidden.

    Passwords need 12 to 1024 characters; nothing else is required of them.

    \b
    Examples:
      paperwire user create alice --email alice@example.org --admin
      printf '%s\\n' "$PASSWORD" | paperwire user create bot --email bot@example.org --password-stdin
    """
    if admin and moderator:
        raise click.UsageError("choose one of --admin and --moderator")
    role = "admin" if admin else "moderator" if moderator else "member"
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        member = users.create_user(app.catalog.engine, name, email, password, role=role, verified=True)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created {member.role} {member.username} (id {member.id})")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_app
def list_command(app: AppContext, as_json: bool) -> None:
    """List every account: id, name, role, e-mail, and whether verified or disabled.

    \b
    Examples:
      paperwire user list
      paperwire user list --json | jq -r '.[] | select(.role == "admin") | .username'
    """
    members = users.list_users(app.catalog.engine)
    if as_json:
        fields = ("id", "username", "role", "email", "email_verified", "disabled")
        click.echo(json.dumps([{name: getattr(m, name) for name in fields} for m in members], indent=2))
        return
    if not members:
        click.echo("no accounts yet (create one: paperwire user create NAME --email E --admin)")
    for member in members:
        marks = [mark for mark, on in (("unverified", not member.email_verified), ("disabled", member.disabled)) if on]
        click.echo(f"{member.id:>6}  {member.username:<32} {member.role:<9} {member.email}  {' '.join(marks)}".rstrip())


@user.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@pass_app
def set_role_command(app: AppContext, name: str, role: str) -> None:
    """Make an account a member, moderator or admin.

    \b
    Example:
      paperwire user set-role bob moderator
    """
    member = member_named(app, name)
    users.set_role(app.catalog.engine, member.id, role)
    click.echo(f"{member.username} is now {role}")


@user.command("disable")
@click.argument("name")
@pass_app
def disable_command(app: AppContext, name: str) -> None:
    """Stop an account at once: it cannot sign in, its sessions end, its API tokens stop working.

    Nothing it wrote is removed; `paperwire user enable` lets it sign in again.

    \b
    Example:
      paperwire user disable mallory
    """
    member = member_named(app, name)
    ended = users.disable(app.catalog.engine, member.id)
    click.echo(f"disabled {member.username}: {ended} session(s) ended, API tokens suspended")


@user.command("enable")
@click.argument("name")
@pass_app
def enable_command(app: AppContext, name: str) -> None:
    """Let a disabled account sign in again (its API tokens work again too).

    \b
    Example:
      paperwire user enable mallory
    """
    member = member_named(app, name)
    users.enable(app.catalog.engine, member.id)
    click.echo(f"enabled {member.username}")


@user.command("token")
@click.argument("name")
@click.option("--scope", type=click.Choice(tokens.SCOPES), default="read", show_default=True,
              help="read: GET requests only; write: also votes, comments, submissions, collections.")
@click.option("--name", "label", default="command line", show_default=True, help="A label to tell tokens apart.")
@pass_app
def token_command(app: AppContext, name: str, scope: str, label: str) -> None:
    """Create an API token for an account and print it (only it: it is shown this once).

    Use it as `Authorization: Bearer <token>`; revoke it on the account's settings page.

    \b
    Examples:
      TOKEN=$(paperwire user token alice --scope write --name 'vote bot')
      curl -H "Authorization: Bearer $TOKEN" -X POST http://127.0.0.1:8000/api/v1/papers/2401.00001/upvote
    """
    member = member_named(app, name)
    try:
        token, _token_id = tokens.create_token(app.catalog.engine, member, label, scope)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(token)


@user.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def delete_command(app: AppContext, name: str, yes: bool) -> None:
    """Delete an account: its votes, library and collections go, its comments stay as "deleted user".

    \b
    Example:
      paperwire user delete mallory --yes
    """
    member = member_named(app, name)
    if not yes:
        click.confirm(f"Delete {member.username} and their votes, library and collections?", abort=True)
    users.delete_user(app.catalog.engine, member.id)
    click.echo(f"deleted {member.username}")


def member_named(app: AppContext, name: str) -> Member:
    member = users.member_by_username(app.catalog.engine, name)
    if member is None:
        raise click.ClickException(f"no account named {name!r} (see: paperwire user list)")
    return member
