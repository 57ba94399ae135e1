"""Accounts on SQLite and PostgreSQL: who may be created, found, signed in, changed, removed."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from paperwire.accounts import sessions, tokens
from paperwire.accounts.errors import AccountError, AlreadyTaken, UnknownMember
from paperwire.accounts.users import (
    authenticate,
    change_email,
    create_user,
    delete_user,
    disable,
    enable,
    list_users,
    mark_email_verified,
    member_by_email,
    member_by_id,
    member_by_username,
    needs_verification,
    set_role,
)
from paperwire.config import load_settings
from paperwire.store.people_schema import api_tokens, users

from .conftest import PASSWORD


def test_a_new_member_is_found_by_id_name_and_email_ignoring_case(db, alice):
    assert alice.username == "alice" and alice.role == "member"
    assert not alice.email_verified and not alice.disabled
    assert member_by_id(db, alice.id) == alice
    assert member_by_username(db, "ALICE") == alice
    assert member_by_email(db, "alice@example.ORG") == alice
    assert member_by_username(db, "nobody") is None and member_by_id(db, 999) is None


def test_an_admin_made_account_can_start_verified_and_with_a_role(db):
    admin = create_user(db, "Root_Admin", "root@localhost", PASSWORD, role="admin", verified=True)
    assert admin.is_admin and admin.is_moderator and admin.email_verified


def test_a_username_or_email_taken_in_any_case_is_refused_naming_the_field(db, alice):
    with pytest.raises(AlreadyTaken, match="username 'ALICE' is taken") as taken:
        create_user(db, "ALICE", "other@example.org", PASSWORD)
    assert taken.value.field == "username"
    with pytest.raises(AlreadyTaken, match="already has an account") as taken:
        create_user(db, "alice2", "alice@EXAMPLE.org", PASSWORD)
    assert taken.value.field == "email"
    assert [m.username for m in list_users(db)] == ["alice"]


@pytest.mark.parametrize("username", [
    "al", "a" * 33, "al ice", "alice\n", "\u0430lice",  # Cyrillic а: a look-alike of "alice"
    "alice\u200f", "\u202eecila", "al\x00ice", "<script>", "alice@example", "ａｌｉｃｅ", "x" * 10_000, "", "\ud800lice",
])
def test_usernames_outside_ascii_letters_digits_dash_and_underscore_are_refused(db, alice, username):
    with pytest.raises(AccountError, match="use 3 to 32 of the letters") as refused:
        create_user(db, username, "new@example.org", PASSWORD)
    assert refused.value.field == "username"
    assert len(str(refused.value)) < 200  # a 10 KB name is not echoed back in full


@pytest.mark.parametrize(("email", "says"), [
    ("alice", "exactly one '@'"),
    ("a@b@example.org", "exactly one '@'"),
    ("alice@example", "domain after '@' is not valid"),
    ("alice@-example.org", "domain after '@' is not valid"),
    ("alice @example.org", "no spaces"),
    ("alice@example.org\r\nBcc: all@example.org", "no spaces, control"),
    ("al\x00ice@example.org", "control"),
    ("аlice@example.org", "non-ASCII"),  # Cyrillic а
    ("alice@exa\u202emple.org", "non-ASCII"),
    (".alice@example.org", "part before '@'"),
    ('"alice"@example.org', "part before '@'"),
    ("a" * 250 + "@example.org", "too long: at most 254"),
])
def test_hostile_or_malformed_emails_are_refused_saying_what_is_wrong(db, email, says):
    with pytest.raises(AccountError, match=says) as refused:
        create_user(db, "newcomer", email, PASSWORD)
    assert refused.value.field == "email"


def test_localhost_addresses_are_accepted_for_single_machine_sites(db):
    assert create_user(db, "local", "admin@localhost", PASSWORD).email == "admin@localhost"


def test_members_sign_in_with_username_or_email_and_the_right_password_only(db, alice):
    assert authenticate(db, "alice", PASSWORD) == alice
    assert authenticate(db, "ALICE@example.org", PASSWORD) == alice
    assert authenticate(db, "alice", PASSWORD.upper()) is None
    assert authenticate(db, "nobody", PASSWORD) is None
    assert authenticate(db, "x" * 10_000, PASSWORD) is None
    assert authenticate(db, None, PASSWORD) is None
    assert authenticate(db, "\ud800lice", PASSWORD) is None  # a lone surrogate, as JSON can carry
    assert member_by_username(db, "\ud800lice") is None and member_by_email(db, "a\ud800@example.org") is None


def test_a_disabled_member_cannot_sign_in_until_enabled(db, alice):
    disable(db, alice.id)
    assert member_by_id(db, alice.id).disabled
    assert authenticate(db, "alice", PASSWORD) is None
    enable(db, alice.id)
    assert authenticate(db, "alice", PASSWORD) == alice


def test_disabling_ends_every_session_and_suspends_tokens_without_revoking_them(db, alice):
    cookies = [sessions.start_session(db, alice)[0] for _ in range(2)]
    token, _ = tokens.create_token(db, alice, "script", "read")
    assert disable(db, alice.id) == 2
    assert [sessions.session_member(db, cookie) for cookie in cookies] == [None, None]
    assert tokens.token_member(db, token) is None
    enable(db, alice.id)
    assert [sessions.session_member(db, cookie) for cookie in cookies] == [None, None]  # sign in again
    assert tokens.token_member(db, token)[0].id == alice.id


def test_signing_in_replaces_a_hash_made_with_older_parameters(db, alice):
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with db.begin() as connection:
        connection.execute(update(users).where(users.c.id == alice.id).values(password_hash=old))
    assert authenticate(db, "alice", PASSWORD) == alice
    with db.connect() as connection:
        stored = connection.execute(select(users.c.password_hash).where(users.c.id == alice.id)).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert authenticate(db, "alice", PASSWORD) == alice


def test_roles_are_one_of_member_moderator_admin(db, alice):
    set_role(db, alice.id, "moderator")
    assert member_by_id(db, alice.id).is_moderator
    with pytest.raises(AccountError, match="role 'owner' is not one of member, moderator, admin"):
        set_role(db, alice.id, "owner")
    with pytest.raises(UnknownMember):
        set_role(db, 999, "admin")


def test_a_new_email_is_unverified_and_cannot_be_another_members(db, alice, bob):
    mark_email_verified(db, alice.id)
    assert member_by_id(db, alice.id).email_verified
    change_email(db, alice.id, "alice@new.example.org")
    changed = member_by_id(db, alice.id)
    assert changed.email == "alice@new.example.org" and not changed.email_verified
    with pytest.raises(AlreadyTaken) as taken:
        change_email(db, alice.id, "BOB@example.org")
    assert taken.value.field == "email"


def test_a_deleted_account_is_gone_with_its_sessions_and_tokens_and_its_name_is_free(db, alice):
    cookie, _ = sessions.start_session(db, alice)
    token, _ = tokens.create_token(db, alice, "script", "write")
    delete_user(db, alice.id)
    assert member_by_id(db, alice.id) is None
    assert sessions.session_member(db, cookie) is None and tokens.token_member(db, token) is None
    with db.connect() as connection:
        assert connection.execute(select(api_tokens)).all() == []
    assert create_user(db, "alice", "alice@example.org", PASSWORD).id > alice.id  # ids are never reused
    with pytest.raises(UnknownMember):
        delete_user(db, alice.id)


def test_unverified_members_must_verify_only_where_the_site_sends_mail(tmp_path, alice):
    no_mail = load_settings(home=tmp_path, environ={})
    mail = load_settings(home=tmp_path, environ={"PAPERWIRE_SMTP_HOST": "mail.example.org"})
    lenient = load_settings(home=tmp_path, environ={"PAPERWIRE_SMTP_HOST": "mail.example.org",
                                                    "PAPERWIRE_UNVERIFIED_MAY_PARTICIPATE": "yes"})
    assert not needs_verification(no_mail, alice)
    assert needs_verification(mail, alice)
    assert not needs_verification(lenient, alice)
