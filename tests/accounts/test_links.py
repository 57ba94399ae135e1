"""E-mail links: signed, time-limited, each good for its own purpose, address and moment only."""

from __future__ import annotations

import base64
import time

import pytest
from sqlalchemy import select

from paperwire.accounts.errors import AccountError

from paperwire.accounts.links import (
    LinkExpired,
    LinkInvalid,
    member_for_reset,
    password_reset_token,
    reset_password,
    verify_email,
    verify_email_token,
)
from paperwire.accounts.sessions import session_member, start_session
from paperwire.accounts.users import authenticate, change_email, change_password, disable, member_by_id
from paperwire.store.people_schema import users

from .conftest import PASSWORD

KEY = "k" * 48


def _later(monkeypatch, seconds):
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + seconds)


def test_a_verify_link_marks_the_address_verified(db, alice):
    token = verify_email_token(KEY, alice)
    assert verify_email(db, KEY, token).email_verified
    assert verify_email(db, KEY, token).email_verified  # following it twice does no harm


def test_a_verify_link_for_an_old_address_does_not_verify_a_new_one(db, alice):
    token = verify_email_token(KEY, alice)
    change_email(db, alice.id, "alice@new.example.org")
    with pytest.raises(LinkInvalid, match="another e-mail address"):
        verify_email(db, KEY, token)
    assert not member_by_id(db, alice.id).email_verified
    fresh = verify_email_token(KEY, member_by_id(db, alice.id))
    assert verify_email(db, KEY, fresh).email_verified


def test_a_verify_link_expires_after_three_days(db, alice, monkeypatch):
    token = verify_email_token(KEY, alice)
    _later(monkeypatch, 3 * 24 * 3600 + 5)
    with pytest.raises(LinkExpired, match="expired: ask for a new one"):
        verify_email(db, KEY, token)


def test_a_reset_link_sets_a_new_password_ends_every_session_and_verifies_the_address(db, alice):
    cookie, _ = start_session(db, alice)
    token = password_reset_token(db, KEY, alice)
    assert member_for_reset(db, KEY, token) == alice
    member = reset_password(db, KEY, token, "a brand new passphrase")
    assert member.email_verified
    assert authenticate(db, "alice", "a brand new passphrase") is not None
    assert authenticate(db, "alice", PASSWORD) is None
    assert session_member(db, cookie) is None


def test_a_reset_link_works_once(db, alice):
    token = password_reset_token(db, KEY, alice)
    reset_password(db, KEY, token, "a brand new passphrase")
    with pytest.raises(LinkInvalid, match="used already"):
        reset_password(db, KEY, token, "an attacker's passphrase")
    assert authenticate(db, "alice", "a brand new passphrase") is not None


def test_a_reset_link_is_spent_when_the_password_changes_any_other_way(db, alice):
    token = password_reset_token(db, KEY, alice)
    change_password(db, alice.id, "changed while signed in")
    with pytest.raises(LinkInvalid):
        member_for_reset(db, KEY, token)


def test_a_reset_link_expires_after_an_hour(db, alice, monkeypatch):
    token = password_reset_token(db, KEY, alice)
    _later(monkeypatch, 3600 + 5)
    with pytest.raises(LinkExpired):
        reset_password(db, KEY, token, "a brand new passphrase")
    assert authenticate(db, "alice", PASSWORD) is not None


def test_a_reset_link_does_not_weaken_the_password_policy(db, alice):
    token = password_reset_token(db, KEY, alice)
    with pytest.raises(AccountError, match="too short"):
        reset_password(db, KEY, token, "short")
    assert member_for_reset(db, KEY, token) == alice  # still usable for a proper password


def test_links_signed_with_another_key_altered_or_meant_for_another_purpose_are_refused(db, alice):
    verify = verify_email_token(KEY, alice)
    reset = password_reset_token(db, KEY, alice)
    with pytest.raises(LinkInvalid, match="not valid"):
        verify_email(db, "another key " * 4, verify)
    with pytest.raises(LinkInvalid, match="not valid"):
        verify_email(db, KEY, verify[:-2] + "xx")
    with pytest.raises(LinkInvalid):
        verify_email(db, KEY, reset)  # a reset link does not verify
    with pytest.raises(LinkInvalid):
        member_for_reset(db, KEY, verify)  # nor a verify link reset
    for hostile in ("", "x" * 100_000, None, "\x00.\x00.\x00", "\ud800." + verify):
        with pytest.raises(LinkInvalid):
            member_for_reset(db, KEY, hostile)


def test_a_disabled_member_cannot_reset_their_way_back_in(db, alice):
    token = password_reset_token(db, KEY, alice)
    disable(db, alice.id)
    with pytest.raises(LinkInvalid, match="disabled"):
        reset_password(db, KEY, token, "a brand new passphrase")


def test_link_tokens_hold_no_password_hash(db, alice):
    token = password_reset_token(db, KEY, alice)
    payload = base64.urlsafe_b64decode(token.split(".")[0] + "==").decode()
    with db.connect() as connection:
        stored = connection.execute(select(users.c.password_hash).where(users.c.id == alice.id)).scalar_one()
    assert stored not in payload and "argon2" not in payload
