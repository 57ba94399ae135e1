"""Server-side sessions: the cookie holds a random id, the table only its SHA-256.

A session ends after ``IDLE`` without a visit or ``ABSOLUTE`` after sign-in, whichever comes
first. A visit is written at most once per ``SEEN_EVERY``, so reading a page is not a write.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from sqlalchemy import Engine, and_, bindparam, delete, or_, select, update

from paperwire.accounts.handed_secrets import digest, new_secret, plausible
from paperwire.accounts.members import Member, member_from_row
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.store.people_schema import sessions, users

IDLE = timedelta(days=30)
ABSOLUTE = timedelta(days=90)
SEEN_EVERY = timedelta(minutes=10)


def start_session(db: Engine, member: Member) -> tuple[str, str]:
    """A new session for ``member``: (cookie value, CSRF token). Every sign-in gets a fresh
    id, so an id planted before sign-in (session fixation) is worth nothing after it."""
    cookie, csrf_token = new_secret(), secrets.token_urlsafe(32)
    now = utc_now()
    with db.begin() as connection:
        connection.execute(
            sessions.insert().values(
                id_hash=digest(cookie),
                user_id=member.id,
                csrf_token=csrf_token,
                created_at=now,
                last_seen_at=now,
                expires_at=now + ABSOLUTE,
            )
        )
    return cookie, csrf_token


# Built once, as every signed-in request asks it (a statement built afresh pays its construction and cache key).
_SESSION_MEMBER = (select(users, sessions.c.csrf_token, sessions.c.last_seen_at, sessions.c.expires_at)
                   .join(sessions, sessions.c.user_id == users.c.id).where(sessions.c.id_hash == bindparam("id_hash")))


def session_member(db: Engine, cookie: str) -> tuple[Member, str] | None:
    """(member, CSRF token) of a live session, or None for an unknown, expired or ended one,
    or one whose member is disabled."""
    if not plausible(cookie):
        return None
    id_hash = digest(cookie)
    with db.connect() as connection:
        row = connection.execute(_SESSION_MEMBER, {"id_hash": id_hash}).mappings().first()
    if row is None or row["disabled_at"] is not None:
        return None
    now, last_seen = utc_now(), as_utc(row["last_seen_at"])
    if now >= as_utc(row["expires_at"]) or now >= last_seen + IDLE:
        return None
    if now >= last_seen + SEEN_EVERY:
        with db.begin() as connection:
            connection.execute(update(sessions).where(sessions.c.id_hash == id_hash).values(last_seen_at=now))
    return member_from_row(row), row["csrf_token"]


def csrf_matches(expected: str, given: object) -> bool:
    """Whether a form's CSRF token is the session's, compared in constant time."""
    return isinstance(given, str) and hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))


def end_session(db: Engine, cookie: str) -> None:
    """Sign out: the session is gone from the table, so its cookie no longer works anywhere."""
    if plausible(cookie):
        with db.begin() as connection:
            connection.execute(delete(sessions).where(sessions.c.id_hash == digest(cookie)))


def end_all_sessions(db: Engine, user_id: int, except_cookie: str | None = None) -> int:
    """End every session of a member (but the one holding ``except_cookie``); how many ended."""
    condition = sessions.c.user_id == user_id
    if except_cookie is not None:
        condition = and_(condition, sessions.c.id_hash != digest(except_cookie))
    with db.begin() as connection:
        return connection.execute(delete(sessions).where(condition)).rowcount


def purge_expired_sessions(db: Engine) -> int:
    """Delete sessions past either expiry; how many. Expired ones already fail to sign in:
    this only keeps the table small."""
    now = utc_now()
    expired = or_(sessions.c.expires_at <= now, sessions.c.last_seen_at <= now - IDLE)
    with db.begin() as connection:
        return connection.execute(delete(sessions).where(expired)).rowcount
