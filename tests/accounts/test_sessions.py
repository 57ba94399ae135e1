"""Sessions kept server-side: a random cookie, its digest in the table, ended when they should be."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from paperwire.accounts.handed_secrets import digest
from paperwire.accounts.sessions import (
    csrf_matches,
    end_all_sessions,
    end_session,
    purge_expired_sessions,
    session_member,
    start_session,
)
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.accounts.users import change_password, disable
from paperwire.store.people_schema import sessions


def _set(db, cookie, **values):
    with db.begin() as connection:
        connection.execute(update(sessions).where(sessions.c.id_hash == digest(cookie)).values(**values))


def _last_seen(db, cookie):
    with db.connect() as connection:
        query = select(sessions.c.last_seen_at).where(sessions.c.id_hash == digest(cookie))
        return as_utc(connection.execute(query).scalar_one())


def test_a_session_cookie_brings_back_its_member_and_csrf_token(db, alice):
    cookie, csrf_token = start_session(db, alice)
    assert session_member(db, cookie) == (alice, csrf_token)
    assert len(cookie) >= 43 and len(csrf_token) >= 43  # 256 random bits each


def test_every_sign_in_gets_a_fresh_cookie_so_a_planted_one_is_worthless(db, alice):
    first, _ = start_session(db, alice)
    second, _ = start_session(db, alice)
    assert first != second
    end_session(db, first)
    assert session_member(db, first) is None
    assert session_member(db, second)[0] == alice


def test_unknown_altered_or_absurd_cookies_sign_nobody_in(db, alice):
    cookie, _ = start_session(db, alice)
    altered = cookie[:-1] + ("A" if cookie[-1] != "A" else "B")
    for candidate in (altered, "", "x" * 100_000, digest(cookie), None, "\x00"):
        assert session_member(db, candidate) is None


def test_a_session_idle_for_30_days_or_90_days_old_has_ended(db, alice):
    idle, _ = start_session(db, alice)
    old, _ = start_session(db, alice)
    _set(db, idle, last_seen_at=utc_now() - timedelta(days=30, minutes=1))
    _set(db, old, expires_at=utc_now() - timedelta(minutes=1))
    assert session_member(db, idle) is None
    assert session_member(db, old) is None


def test_a_visit_is_written_at_most_once_per_ten_minutes(db, alice):
    cookie, _ = start_session(db, alice)
    five_minutes_ago = utc_now() - timedelta(minutes=5)
    _set(db, cookie, last_seen_at=five_minutes_ago)
    session_member(db, cookie)
    assert _last_seen(db, cookie) == five_minutes_ago  # reading a page is not a write
    _set(db, cookie, last_seen_at=utc_now() - timedelta(minutes=11))
    session_member(db, cookie)
    assert utc_now() - _last_seen(db, cookie) < timedelta(minutes=1)


def test_a_password_change_ends_the_members_other_sessions_but_the_one_that_made_it(db, alice, bob):
    here, _ = start_session(db, alice)
    elsewhere, _ = start_session(db, alice)
    bobs, _ = start_session(db, bob)
    change_password(db, alice.id, "a brand new passphrase", keep_session=here)
    assert session_member(db, here)[0] == alice
    assert session_member(db, elsewhere) is None
    assert session_member(db, bobs)[0] == bob


def test_a_disabled_members_session_stops_working_at_once(db, alice):
    cookie, _ = start_session(db, alice)
    disable(db, alice.id)
    assert session_member(db, cookie) is None


def test_signing_out_everywhere_ends_all_but_an_optional_current_session(db, alice):
    cookies = [start_session(db, alice)[0] for _ in range(3)]
    assert end_all_sessions(db, alice.id, except_cookie=cookies[0]) == 2
    assert [session_member(db, c) is not None for c in cookies] == [True, False, False]


def test_expired_sessions_are_purged_from_the_table(db, alice):
    live, _ = start_session(db, alice)
    idle, _ = start_session(db, alice)
    _set(db, idle, last_seen_at=utc_now() - timedelta(days=31))
    assert purge_expired_sessions(db) == 1
    with db.connect() as connection:
        assert connection.execute(select(sessions.c.id_hash)).scalars().all() == [digest(live)]


def test_the_csrf_token_must_match_exactly():
    assert csrf_matches("token-value", "token-value")
    assert not csrf_matches("token-value", "token-valuE")
    assert not csrf_matches("token-value", "")
    assert not csrf_matches("token-value", None)
    assert not csrf_matches("token-value", "tøken-value")
