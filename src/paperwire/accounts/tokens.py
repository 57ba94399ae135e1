"""Personal API tokens: ``Authorization: Bearer pw_...``, shown once, stored as SHA-256.

A token acts as its member with a scope: ``read`` (GET only) or ``write`` (read and write).
It stops working when revoked or while its member is disabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, bindparam, func, select, update

from paperwire.accounts.errors import AccountError
from paperwire.accounts.handed_secrets import digest, new_secret, plausible
from paperwire.accounts.members import Member, member_from_row
from paperwire.accounts.sessions import SEEN_EVERY
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.store.people_schema import api_tokens, users

TOKEN_PREFIX = "pw_"
SCOPES = ("read", "write")
MAX_NAME_LENGTH = 100
MAX_TOKENS = 50  # live tokens per member
_SHOWN_PREFIX = len(TOKEN_PREFIX) + 6  # enough to tell a member's tokens apart


@dataclass(frozen=True)
class TokenInfo:
    """A token as its settings page lists it: never the secret, only its first characters."""

    id: int
    name: str
    prefix: str
    scope: str
    created_at: datetime
    last_used_at: datetime | None


def create_token(db: Engine, member: Member, name: str, scope: str) -> tuple[str, int]:
    """A new token for ``member``: (the token, to show once; its id, to revoke it by)."""
    name = _check_name(name)
    if scope not in SCOPES:
        raise AccountError("scope", f"scope {scope!r} is not one of {', '.join(SCOPES)}")
    token = new_secret(TOKEN_PREFIX)
    live = (api_tokens.c.user_id == member.id) & api_tokens.c.revoked_at.is_(None)
    with db.begin() as connection:
        if connection.execute(select(func.count()).where(live)).scalar_one() >= MAX_TOKENS:
            raise AccountError("name", f"{member.username} has {MAX_TOKENS} tokens already: revoke one first")
        token_id = connection.execute(
            api_tokens.insert()
            .values(
                user_id=member.id,
                name=name,
                token_hash=digest(token),
                prefix=token[:_SHOWN_PREFIX],
                scope=scope,
                created_at=utc_now(),
            )
            .returning(api_tokens.c.id)
        ).scalar_one()
    return token, token_id


# Built once: every API call with a token asks it.
_TOKEN_MEMBER = (
    select(users, api_tokens.c.id.label("token_id"), api_tokens.c.scope, api_tokens.c.last_used_at)
    .join(api_tokens, api_tokens.c.user_id == users.c.id)
    .where(api_tokens.c.token_hash == bindparam("token_hash"), api_tokens.c.revoked_at.is_(None))
)


def token_member(db: Engine, token: str) -> tuple[Member, str] | None:
    """(member, scope) a live token acts as; None for an unknown, revoked or malformed token
    or a disabled member."""
    if not plausible(token) or not token.startswith(TOKEN_PREFIX):
        return None
    with db.connect() as connection:
        row = connection.execute(_TOKEN_MEMBER, {"token_hash": digest(token)}).mappings().first()
    if row is None or row["disabled_at"] is not None:
        return None
    now, last_used = utc_now(), row["last_used_at"]
    if last_used is None or now >= as_utc(last_used) + SEEN_EVERY:  # a use is not a write each time
        with db.begin() as connection:
            connection.execute(update(api_tokens).where(api_tokens.c.id == row["token_id"]).values(last_used_at=now))
    return member_from_row(row), row["scope"]


def revoke_token(db: Engine, member: Member, token_id: int) -> bool:
    """Revoke one of ``member``'s own tokens; False where they hold no live token of that id."""
    mine = (api_tokens.c.id == token_id) & (api_tokens.c.user_id == member.id) & api_tokens.c.revoked_at.is_(None)
    with db.begin() as connection:
        return bool(connection.execute(update(api_tokens).where(mine).values(revoked_at=utc_now())).rowcount)


def list_tokens(db: Engine, member: Member) -> list[TokenInfo]:
    """``member``'s live tokens, newest first."""
    query = (
        select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.prefix, api_tokens.c.scope,
               api_tokens.c.created_at, api_tokens.c.last_used_at)
        .where(api_tokens.c.user_id == member.id, api_tokens.c.revoked_at.is_(None))
        .order_by(api_tokens.c.id.desc())
    )
    with db.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [
        TokenInfo(**{**row, "created_at": as_utc(row["created_at"]),
                     "last_used_at": row["last_used_at"] and as_utc(row["last_used_at"])})
        for row in rows
    ]


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise AccountError("name", "a token needs a name, e.g. 'laptop scripts'")
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise AccountError("name", f"token name is too long: at most {MAX_NAME_LENGTH} characters, got {len(name)}")
    if not name.isprintable():
        raise AccountError("name", f"token name {name[:40]!r} holds control characters")
    return name
