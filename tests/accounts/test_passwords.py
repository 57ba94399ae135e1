"""Passwords: length is the only rule, hashes are argon2id, and hashing cannot take every core."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from paperwire.accounts import passwords
from paperwire.accounts.errors import AccountError
from paperwire.accounts.passwords import Busy, check_policy, hash_password, hashing_slot, verify_password


@pytest.mark.parametrize("password", ["x" * 12, "all lower case words", "🔑" * 12, "p" * 128, "p" * 1024])
def test_any_password_of_12_to_1024_characters_is_accepted_without_composition_rules(password):
    assert verify_password(hash_password(password), password).matches


@pytest.mark.parametrize(("password", "says"), [
    ("short", "too short: at least 12 characters, got 5"),
    ("", "too short"),
    ("p" * 1025, "too long: at most 1024 characters, got 1025"),
    ("p" * 10_000_000, "too long: at most 1024 characters, got 10000000"),
    ("broken \ud800 surrogate", "broken characters"),
    (None, "must be text"),
])
def test_a_password_outside_the_policy_is_refused_saying_why(password, says):
    with pytest.raises(AccountError, match=says) as refused:
        hash_password(password)
    assert refused.value.field == "password"


def test_hashes_are_argon2id_with_the_owasp_parameters_and_salted():
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert first != second  # a fresh salt each time


def test_a_wrong_password_or_a_damaged_hash_does_not_match():
    stored = hash_password("correct horse battery")
    assert verify_password(stored, "correct horse batterY") == (False, False)
    assert verify_password("not a hash", "correct horse battery") == (False, False)
    assert verify_password(stored, "x" * 100_000) == (False, False)
    assert verify_password(stored, "broken \ud800 surrogate") == (False, False)


def test_the_same_characters_typed_as_composed_or_decomposed_unicode_match():
    composed, decomposed = "mot de passe d\u00e9j\u00e0", "mot de passe de\u0301ja\u0300"
    assert verify_password(hash_password(composed), decomposed).matches
    assert check_policy(decomposed) == composed


def test_a_hash_made_with_older_parameters_matches_and_asks_to_be_rehashed():
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("correct horse battery")
    assert verify_password(old, "correct horse battery") == (True, True)
    assert verify_password(hash_password("correct horse battery"), "correct horse battery") == (True, False)


def test_when_every_hashing_slot_stays_taken_the_next_hash_is_refused_as_busy(monkeypatch):
    monkeypatch.setattr(passwords, "HASH_WAIT_S", 0.05)
    with hashing_slot(), hashing_slot():  # two sign-ins hashing right now
        with pytest.raises(Busy) as busy:
            hash_password("correct horse battery")
    assert busy.value.retry_after_s > 0
    assert "try again" in str(busy.value)
    assert verify_password(hash_password("correct horse battery"), "correct horse battery").matches  # slots freed


def test_an_unknown_account_waits_for_a_hashing_slot_like_a_known_one(monkeypatch):
    # The dummy hash is real work: with every slot taken, checking "no such account" is busy too.
    monkeypatch.setattr(passwords, "HASH_WAIT_S", 0.05)
    verify_password(None, "warm the dummy hash up")
    with hashing_slot(), hashing_slot():
        with pytest.raises(Busy):
            verify_password(None, "correct horse battery")
    assert verify_password(None, "correct horse battery") == (False, False)
