"""Rate limits counted in the database, so every worker and node sees the same counts."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, update

from paperwire.accounts.ratelimit import RateLimited, RateLimits
from paperwire.config import ConfigError, load_settings
from paperwire.store import make_engine
from paperwire.store.people_schema import rate_limits


@pytest.fixture
def limits_settings(tmp_path):
    return load_settings(home=tmp_path, environ={
        "PAPERWIRE_LIMIT_SIGN_IN_PER_ACCOUNT": "3/minute",
        "PAPERWIRE_LIMIT_SIGN_IN_PER_ADDRESS": "5/minute",
        "PAPERWIRE_LIMIT_VOTE_PER_ACCOUNT": "",
    })


def _attempts(limits, count, **keys):
    """How many of ``count`` attempts went through, and the last refusal."""
    passed, refusal = 0, None
    for _ in range(count):
        try:
            limits.hit("sign_in", **keys)
            passed += 1
        except RateLimited as refused:
            refusal = refused
    return passed, refusal


def test_past_the_limit_attempts_are_refused_with_a_retry_after(db, limits_settings):
    passed, refusal = _attempts(RateLimits(db, limits_settings), 5, account="alice")
    assert passed == 3
    assert 0 < refusal.retry_after_s <= 60
    assert str(refusal) == f"too many sign-in attempts: try again in {refusal.retry_after_s} s"


def test_accounts_and_addresses_are_counted_apart(db, limits_settings):
    limits = RateLimits(db, limits_settings)
    assert _attempts(limits, 3, account="alice", address="192.0.2.1")[0] == 3
    assert _attempts(limits, 1, account="bob", address="192.0.2.1")[0] == 1
    assert _attempts(limits, 1, account="ALICE", address="192.0.2.2")[0] == 0  # names ignore case
    # one address trying many accounts is stopped by the per-address limit
    assert _attempts(limits, 3, account="carol", address="192.0.2.1")[0] == 1


def test_an_attempt_its_account_may_not_make_does_not_use_up_its_address(db, limits_settings):
    limits = RateLimits(db, limits_settings)
    assert _attempts(limits, 6, account="alice", address="192.0.2.1")[0] == 3  # 3 refused by alice's limit
    # ... and not counted against the address: two others there still get in (3 + 2 = its 5)
    assert _attempts(limits, 2, account="bob", address="192.0.2.1")[0] == 2
    assert _attempts(limits, 1, account="carol", address="192.0.2.1")[0] == 0


def test_two_workers_with_their_own_engines_share_the_counts(database_url, db, limits_settings):
    other_worker = make_engine(database_url)
    try:
        first, second = RateLimits(db, limits_settings), RateLimits(other_worker, limits_settings)
        assert _attempts(first, 2, account="alice")[0] == 2
        assert _attempts(second, 2, account="alice")[0] == 1  # 3 in all, wherever they arrive
        assert _attempts(first, 1, account="alice")[0] == 0
    finally:
        other_worker.dispose()


def test_concurrent_attempts_lose_no_count(database_url, db, tmp_path):
    settings = load_settings(home=tmp_path, environ={"PAPERWIRE_LIMIT_VOTE_PER_ACCOUNT": "100/hour"})
    engines = [make_engine(database_url) for _ in range(4)]
    allowed, start = [], threading.Barrier(4)

    def worker(engine):
        limits = RateLimits(engine, settings)
        start.wait()
        for _ in range(40):
            try:
                limits.hit("vote", account="alice")
                allowed.append(1)
            except RateLimited:
                pass

    threads = [threading.Thread(target=worker, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert len(allowed) == 100  # of 160 attempts: exactly the limit, no more, no fewer


def test_a_new_window_starts_once_the_last_one_has_passed(db, limits_settings):
    limits = RateLimits(db, limits_settings)
    assert _attempts(limits, 4, account="alice")[0] == 3
    with db.begin() as connection:  # a minute later
        connection.execute(update(rate_limits).values(expires_at=rate_limits.c.expires_at - 61))
    assert _attempts(limits, 4, account="alice")[0] == 3


def test_lapsed_counters_are_purged_as_limits_are_used(db, limits_settings):
    limits = RateLimits(db, limits_settings)
    limits.hit("sign_in", account="alice")
    with db.begin() as connection:
        connection.execute(update(rate_limits).values(expires_at=0))
    RateLimits(db, limits_settings).hit("sign_in", account="bob")  # a worker (re)starting purges first
    with db.connect() as connection:
        keys = connection.execute(select(rate_limits.c.key)).scalars().all()
    assert len(keys) == 1 and "/bob/" in keys[0]


def test_an_empty_setting_means_no_limit(db, limits_settings):
    limits = RateLimits(db, limits_settings)
    for _ in range(500):
        limits.hit("vote", account="alice")


def test_hostile_identifiers_are_stored_as_short_digests(db, limits_settings):
    limits = RateLimits(db, limits_settings)
    for identifier in ("x" * 10_000, "a/b/3/1/minute", "\u202eadmin", "al\x00ice"):
        limits.hit("sign_in", account=identifier)
    with db.connect() as connection:
        keys = connection.execute(select(rate_limits.c.key)).scalars().all()
    assert len(keys) == 4 and all(len(key) < 100 and key.isascii() and key.isprintable() for key in keys)


def test_several_limits_in_one_setting_all_apply(db, tmp_path):
    settings = load_settings(home=tmp_path, environ={"PAPERWIRE_LIMIT_COMMENT_PER_ACCOUNT": "5/minute;2/hour"})
    limits = RateLimits(db, settings)
    allowed = 0
    for _ in range(5):
        try:
            limits.hit("comment", account="alice")
            allowed += 1
        except RateLimited as refused:
            last = refused
    assert allowed == 2 and last.retry_after_s > 60  # the hourly limit is the one that refused


def test_a_malformed_limit_setting_is_named(db, tmp_path):
    settings = load_settings(home=tmp_path, environ={"PAPERWIRE_LIMIT_SUBMIT_PER_ACCOUNT": "ten a day"})
    with pytest.raises(ConfigError, match="setting limit_submit_per_account: 'ten a day' is not a rate limit"):
        RateLimits(db, settings)


def test_an_unknown_rule_is_a_programming_error_that_names_the_known_ones(db, limits_settings):
    with pytest.raises(ValueError, match="known: sign_in, sign_up, password_reset, submit, vote, comment"):
        RateLimits(db, limits_settings).hit("sing_in", account="alice")


def test_votes_comments_and_submissions_are_also_limited_per_address(db, tmp_path):
    settings = load_settings(home=tmp_path, environ={
        "PAPERWIRE_LIMIT_VOTE_PER_ACCOUNT": "100/minute", "PAPERWIRE_LIMIT_VOTE_PER_ADDRESS": "4/minute"})
    limits = RateLimits(db, settings)
    for member in ("ann", "bob", "cy", "dee"):  # four members behind one address
        limits.hit("vote", account=member, address="198.51.100.7")
    with pytest.raises(RateLimited):
        limits.hit("vote", account="eve", address="198.51.100.7")
    limits.hit("vote", account="eve", address="203.0.113.9")  # another address still votes
    assert {kind for rule in ("submit", "comment") for kind in limits.rules[rule]} == {"account", "address"}
