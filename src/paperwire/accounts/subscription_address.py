"""A subscription follows its account: taken over at sign-up, moved with a change of address.

The account operations (accounts.users) call these after changing a member's address or
verifying it: the subscription table sits in the store, below both accounts and digests. Only a
verified address takes a visitor's subscription over: signing up with someone else's address
must not hand their subscription to a stranger. The visitor's confirmation stands as it was
(double opt-in: a subscription nobody confirmed stays unconfirmed).
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, func, select, update

from paperwire.accounts.timestamps import utc_now
from paperwire.store.people_schema import users
from paperwire.store.reader_schema import digest_subscriptions

_subs = digest_subscriptions.c


def address_verified(db: Engine, user_id: int) -> None:
    """The member's address is verified: their own subscription is confirmed, or a visitor's
    subscription at that address becomes theirs."""
    with db.begin() as conn:
        email_key = conn.execute(select(users.c.email_key).where(users.c.id == user_id)).scalar()
        if email_key is None:
            return
        own = conn.execute(update(digest_subscriptions).where(_subs.user_id == user_id, _subs.email_key == email_key)
                           .values(confirmed_at=func.coalesce(_subs.confirmed_at, utc_now())))
        if not own.rowcount:
            conn.execute(update(digest_subscriptions).where(_subs.email_key == email_key, _subs.user_id.is_(None))
                         .values(user_id=user_id))


def address_changed(db: Engine, user_id: int, email: str) -> None:
    """The member has a new, unverified address: their subscription moves to it, unconfirmed
    until it is verified. Where a visitor already subscribed that address, the visitor's stays
    as it is (and becomes the member's once they verify the address), and the member's goes:
    claiming an address one does not own must not take anyone's digest away."""
    with db.begin() as conn:
        held = conn.execute(select(_subs.id).where(_subs.email_key == email.lower(), _subs.user_id.is_(None))).first()
        mine = (_subs.user_id == user_id,)
        if held is not None:
            conn.execute(delete(digest_subscriptions).where(*mine))
        else:
            conn.execute(update(digest_subscriptions).where(*mine)
                         .values(email=email, email_key=email.lower(), confirmed_at=None))
