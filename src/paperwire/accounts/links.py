"""Signed, time-limited tokens for the links sent by e-mail: verify an address, reset a password.

The tokens are signed with the site secret (itsdangerous), one salt per purpose so a token of
one kind is never accepted as another. Their payload is readable, not secret: it holds ids and
digests, never a password or a hash.

- A verify-email token names the user and the address it was sent to: after a change of
  address, a link to the old one verifies nothing.
- A reset token holds a digest of the current password hash: once the password changes (by
  this link or otherwise) the link is spent.
"""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Engine, select

from paperwire.accounts import users as accounts
from paperwire.accounts.errors import UnknownMember
from paperwire.accounts.members import Member, member_from_row
from paperwire.accounts.handed_secrets import MAX_SECRET_LENGTH
from paperwire.store.people_schema import users

VERIFY_MAX_AGE_S = 3 * 24 * 3600
RESET_MAX_AGE_S = 3600
_VERIFY_SALT = "paperwire.verify-email"
_RESET_SALT = "paperwire.password-reset"
MAX_LINK_TOKEN_LENGTH = 4 * MAX_SECRET_LENGTH


class LinkInvalid(ValueError):
    """A link that was altered, spent, or made for another address or key."""


class LinkExpired(LinkInvalid):
    """A genuine link, older than it may be: ask for a new one."""


def verify_email_token(secret_key: str, member: Member) -> str:
    """The token for the link that verifies ``member.email``."""
    return link_serializer(secret_key, _VERIFY_SALT).dumps([member.id, member.email.lower()])


def verify_email(db: Engine, secret_key: str, token: str) -> Member:
    """Mark the address a verify link was sent to as verified; the member, now verified."""
    user_id, email_key = load_link_token(secret_key, _VERIFY_SALT, token, VERIFY_MAX_AGE_S, "verification")
    row = _user_row(db, user_id)
    if row is None or not hmac.compare_digest(row["email_key"], str(email_key)):
        raise LinkInvalid("this verification link was made for another e-mail address: ask for a new one")
    if row["email_verified_at"] is None:
        accounts.mark_email_verified(db, user_id)
    return accounts.member_by_id(db, user_id)


def password_reset_token(db: Engine, secret_key: str, member: Member) -> str:
    """The token for a password reset link for ``member``, good for one reset within an hour."""
    row = _user_row(db, member.id)
    if row is None:
        raise UnknownMember(f"no account with id {member.id}")
    return link_serializer(secret_key, _RESET_SALT).dumps([member.id, _fingerprint(row["password_hash"])])


def member_for_reset(db: Engine, secret_key: str, token: str) -> Member:
    """The member a reset link is for, while it is still good (to show the new-password form)."""
    user_id, fingerprint = load_link_token(secret_key, _RESET_SALT, token, RESET_MAX_AGE_S, "password reset")
    row = _user_row(db, user_id)
    if row is None or not hmac.compare_digest(_fingerprint(row["password_hash"]), str(fingerprint)):
        raise LinkInvalid("this password reset link was used already: ask for a new one")
    if row["disabled_at"] is not None:
        raise LinkInvalid("this account is disabled")
    return member_from_row(row)


def reset_password(db: Engine, secret_key: str, token: str, new_password: str) -> Member:
    """Set a new password through a reset link; every session of the member ends. The link is
    spent. Receiving the link proves the address, so it counts as verified too."""
    member = member_for_reset(db, secret_key, token)
    accounts.change_password(db, member.id, new_password)
    if not member.email_verified:
        accounts.mark_email_verified(db, member.id)
    return accounts.member_by_id(db, member.id)


def link_serializer(secret_key: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=salt)


def load_link_token(secret_key: str, salt: str, token: object, max_age_s: int | None, kind: str) -> tuple[int, str]:
    if not isinstance(token, str) or len(token) > MAX_LINK_TOKEN_LENGTH or not token.isascii():
        raise LinkInvalid(f"this {kind} link is not valid")
    try:
        payload = link_serializer(secret_key, salt).loads(token, max_age=max_age_s)
    except SignatureExpired:
        raise LinkExpired(f"this {kind} link has expired: ask for a new one") from None
    except BadSignature:
        raise LinkInvalid(f"this {kind} link is not valid (was it copied in full?)") from None
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        raise LinkInvalid(f"this {kind} link is not valid")
    return payload[0], payload[1]


def _user_row(db: Engine, user_id: int):
    with db.connect() as connection:
        return connection.execute(select(users).where(users.c.id == user_id)).mappings().first()


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]
