"""`paperwire user ...` on a temporary home, as an admin would type it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from paperwire.accounts import sessions, tokens
from paperwire.accounts.users import authenticate, member_by_username
from paperwire.cli import main
from paperwire.store import open_catalog

PASSWORD = "correct horse battery staple"


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.fixture
def paperwire(home):
    def run(*args, input=None):
        return CliRunner().invoke(main, ["--home", str(home), "user", *args], input=input)

    return run


@pytest.fixture
def db(home, paperwire):
    assert paperwire("create", "alice", "--email", "alice@example.org", "--password-stdin",
                     input=PASSWORD + "\n").exit_code == 0
    catalog = open_catalog(f"sqlite:///{home / 'catalog.db'}")
    yield catalog.engine
    catalog.engine.dispose()


def test_create_reads_the_password_from_stdin_and_the_member_can_sign_in(db, paperwire):
    result = paperwire("create", "root", "--email", "root@example.org", "--admin", "--password-stdin",
                       input="another long passphrase\n")
    assert result.exit_code == 0, result.output
    assert result.output == "created admin root (id 2)\n"
    root = authenticate(db, "root", "another long passphrase")
    assert root.is_admin and root.email_verified  # the admin vouched for the address


def test_create_asks_twice_for_a_hidden_password_and_never_echoes_it(db, paperwire):
    result = paperwire("create", "mod", "--email", "mod@example.org", "--moderator",
                       input="a moderator's passphrase\na moderator's passphrase\n")
    assert result.exit_code == 0, result.output
    assert "a moderator's passphrase" not in result.output
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert authenticate(db, "mod", "a moderator's passphrase").is_moderator


def test_create_refuses_clearly_and_creates_nothing(db, paperwire):
    cases = [
        (("create", "bob", "--email", "bob@example.org", "--password-stdin"), "short\n", "password is too short"),
        (("create", "ALICE", "--email", "b@example.org", "--password-stdin"), PASSWORD + "\n", "'ALICE' is taken"),
        (("create", "b\u202eob", "--email", "b@example.org", "--password-stdin"), PASSWORD + "\n", "is not allowed"),
        (("create", "bob", "--email", "bob@", "--password-stdin"), PASSWORD + "\n", "domain after '@'"),
        (("create", "bob", "--email", "b@example.org", "--admin", "--moderator", "--password-stdin"), PASSWORD,
         "choose one of --admin and --moderator"),
    ]
    for args, typed, says in cases:
        result = paperwire(*args, input=typed)
        assert result.exit_code != 0 and says in result.output, result.output
    assert member_by_username(db, "bob") is None


def test_list_shows_every_account_and_json_for_scripts(db, paperwire):
    assert "alice" in paperwire("list").output and "admin" not in paperwire("list").output
    (entry,) = json.loads(paperwire("list", "--json").output)
    assert entry == {"id": 1, "username": "alice", "role": "member", "email": "alice@example.org",
                     "email_verified": True, "disabled": False}


def test_set_role_changes_what_the_member_may_do(db, paperwire):
    assert paperwire("set-role", "alice", "moderator").output == "alice is now moderator\n"
    assert member_by_username(db, "alice").is_moderator
    refused = paperwire("set-role", "alice", "owner")
    assert refused.exit_code == 2 and "'owner' is not one of" in refused.output


def test_disable_ends_sessions_and_stops_tokens_at_once_and_enable_undoes_it(db, paperwire):
    alice = member_by_username(db, "alice")
    cookie, _ = sessions.start_session(db, alice)
    token, _ = tokens.create_token(db, alice, "script", "read")
    result = paperwire("disable", "alice")
    assert result.output == "disabled alice: 1 session(s) ended, API tokens suspended\n"
    assert sessions.session_member(db, cookie) is None and tokens.token_member(db, token) is None
    assert authenticate(db, "alice", PASSWORD) is None
    assert paperwire("enable", "alice").exit_code == 0
    assert authenticate(db, "alice", PASSWORD) is not None and tokens.token_member(db, token) is not None


def test_token_prints_only_the_new_token_which_then_works(db, paperwire):
    result = paperwire("token", "alice", "--scope", "write", "--name", "vote bot")
    assert result.exit_code == 0
    token = result.output.strip()
    assert result.output == token + "\n" and token.startswith("pw_")
    member, scope = tokens.token_member(db, token)
    assert member.username == "alice" and scope == "write"
    assert tokens.list_tokens(db, member)[0].name == "vote bot"
    assert tokens.token_member(db, paperwire("token", "alice").output.strip())[1] == "read"  # least by default


def test_commands_on_an_unknown_account_say_so(db, paperwire):
    for command in (("disable", "nobody"), ("enable", "nobody"), ("token", "nobody"), ("set-role", "nobody", "admin"),
                    ("delete", "nobody", "--yes")):
        result = paperwire(*command)
        assert result.exit_code == 1 and "no account named 'nobody' (see: paperwire user list)" in result.output


def test_delete_asks_unless_told_yes(db, paperwire):
    assert paperwire("delete", "alice", input="n\n").exit_code == 1
    assert member_by_username(db, "alice") is not None
    assert paperwire("delete", "alice", "--yes").output == "deleted alice\n"
    assert member_by_username(db, "alice") is None
