"""A member's private feed key: the secret in their personal RSS/Atom URLs.

Feed readers cannot sign in, so the URL itself is the credential. Like an API token, the
key is random (:mod:`secrets`), handed out once and kept only as its SHA-256: a copy of the
database opens nobody's feeds. Making a new key revokes the old one; a disabled member's
key opens nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, select

from paperwire.accounts.handed_secrets import digest, new_secret, plausible
from paperwire.accounts.members import Member, member_from_row
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.community.rules import Policy
from paperwire.store.people_schema import users
from paperwire.store.reader_schema import private_feed_keys

KEY_PREFIX = "pwf_"  # tells a feed key from a session cookie or an API token in a leaked log


@dataclass(frozen=True)
class FeedKeyInfo:
    created_at: datetime  # the key itself is not kept


def new_key(db: Engine, policy: Policy, viewer: Member | None) -> str:
    """A new key for the viewer's feeds, revoking the one before. Shown to them this once."""
    member = policy.require_member(viewer)
    key = new_secret(KEY_PREFIX)
    with db.begin() as conn:
        conn.execute(delete(private_feed_keys).where(private_feed_keys.c.user_id == member.id))
        conn.execute(private_feed_keys.insert().values(user_id=member.id, key_hash=digest(key), created_at=utc_now()))
    return key


def key_info(db: Engine, policy: Policy, viewer: Member | None) -> FeedKeyInfo | None:
    """When the viewer's current key was made; None when they have none."""
    member = policy.require_member(viewer)
    with db.connect() as conn:
        made = conn.execute(select(private_feed_keys.c.created_at)
                            .where(private_feed_keys.c.user_id == member.id)).scalar()
    return FeedKeyInfo(as_utc(made)) if made else None


def member_by_key(db: Engine, key: object) -> Member | None:
    """The member whose live key this is; None for an unknown, revoked or malformed key, or a disabled member."""
    if not plausible(key) or not key.startswith(KEY_PREFIX):
        return None
    query = (select(users).join(private_feed_keys, private_feed_keys.c.user_id == users.c.id)
             .where(private_feed_keys.c.key_hash == digest(key)))
    with db.connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None or row["disabled_at"] is not None:
        return None
    return member_from_row(row)
