"""Personal API tokens: shown once, stored as a digest, scoped, revocable, suspended with their member."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from paperwire.accounts import tokens
from paperwire.accounts.errors import AccountError
from paperwire.accounts.tokens import create_token, list_tokens, revoke_token, token_member
from paperwire.accounts.users import disable
from paperwire.store.people_schema import api_tokens


def test_a_token_acts_as_its_member_with_its_scope(db, alice):
    token, _ = create_token(db, alice, "laptop", "write")
    assert token.startswith("pw_") and len(token) >= 46
    assert token_member(db, token) == (alice, "write")


def test_tokens_are_listed_by_name_and_prefix_never_in_full(db, alice):
    first, first_id = create_token(db, alice, "laptop", "read")
    second, second_id = create_token(db, alice, "  ci job  ", "write")
    listed = list_tokens(db, alice)
    assert [(t.id, t.name, t.scope) for t in listed] == [(second_id, "ci job", "write"), (first_id, "laptop", "read")]
    assert all(t.prefix.startswith("pw_") and len(t.prefix) < 16 for t in listed)
    assert listed[1].prefix == first[: len(listed[1].prefix)]
    assert first not in repr(listed) and second not in repr(listed)


def test_a_token_with_one_character_changed_or_of_another_shape_is_refused(db, alice):
    token, _ = create_token(db, alice, "laptop", "read")
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for candidate in (altered, token[3:], token + "x", "pw_", "Bearer " + token, "x" * 100_000, None):
        assert token_member(db, candidate) is None


def test_a_revoked_token_stops_working_and_only_its_owner_can_revoke_it(db, alice, bob):
    token, token_id = create_token(db, alice, "laptop", "write")
    assert not revoke_token(db, bob, token_id)
    assert token_member(db, token) == (alice, "write")
    assert revoke_token(db, alice, token_id)
    assert token_member(db, token) is None
    assert list_tokens(db, alice) == []
    assert not revoke_token(db, alice, token_id)  # once is enough


def test_a_disabled_members_tokens_stop_working_at_once(db, alice):
    token, _ = create_token(db, alice, "laptop", "read")
    disable(db, alice.id)
    assert token_member(db, token) is None


def test_the_first_use_is_recorded_so_the_settings_page_can_show_it(db, alice):
    token, _ = create_token(db, alice, "laptop", "read")
    assert list_tokens(db, alice)[0].last_used_at is None
    token_member(db, token)
    assert list_tokens(db, alice)[0].last_used_at is not None


@pytest.mark.parametrize(("name", "scope", "says"), [
    ("", "read", "needs a name"),
    ("   ", "read", "needs a name"),
    ("x" * 101, "read", "at most 100 characters"),
    ("line\nbreak", "read", "control characters"),
    ("laptop", "admin", "scope 'admin' is not one of read, write"),
])
def test_token_names_and_scopes_are_checked(db, alice, name, scope, says):
    with pytest.raises(AccountError, match=says):
        create_token(db, alice, name, scope)


def test_live_tokens_per_member_are_capped_and_revoking_one_makes_room(db, alice, monkeypatch):
    monkeypatch.setattr(tokens, "MAX_TOKENS", 3)
    made = [create_token(db, alice, f"t{n}", "read") for n in range(3)]
    with pytest.raises(AccountError, match="revoke one first"):
        create_token(db, alice, "one more", "read")
    revoke_token(db, alice, made[0][1])
    create_token(db, alice, "one more", "read")
    with db.connect() as connection:
        assert len(connection.execute(select(api_tokens.c.id)).all()) == 4
