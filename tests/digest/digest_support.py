"""The digest tests' world: subscriptions made as readers make them, and what the outbox holds."""

from __future__ import annotations

from datetime import datetime, timezone
from email import message_from_string, policy

from sqlalchemy import select

from paperwire.accounts.secret import site_secret
from paperwire.digest import subscriptions as subs
from paperwire.digest.links import confirm_token
from paperwire.digest.subscriptions import DigestChoice
from paperwire.store.reader_schema import digest_papers, outbox

from community.community_support import NOW

DIGEST_TIME = NOW.replace(hour=7)  # Wednesday 1 July 2026, 07:00 UTC: the default hour


def at(day: int, hour: int = 7) -> datetime:
    """A moment in July 2026 (UTC)."""
    return datetime(2026, 7, day, hour, tzinfo=timezone.utc)


def visitor(db, settings, email: str = "reader@example.org") -> subs.Subscription:
    """A visitor's confirmed daily trending subscription (the footer's box, then the link)."""
    asked = subs.request_subscription(db, settings, email)
    return subs.confirm_by_token(db, site_secret(settings), confirm_token(site_secret(settings), asked.id, asked.email))


def subscribed(db, policy, member, *sections: str, period: str = "daily", hour: int = 7, weekday: int = 2,
               zone: str = "UTC") -> subs.Subscription:
    """A member's subscription from the settings page, with these sections in this order."""
    choice = DigestChoice(period=period, hour=hour, timezone=zone, weekday=weekday, sections=sections)
    return subs.subscribe_member(db, policy, member, choice)


def outbox_rows(db) -> list:
    with db.connect() as conn:
        return conn.execute(select(outbox).order_by(outbox.c.id)).all()


def message_of(row):
    return message_from_string(row.message, policy=policy.default)


def listed_in(db, outbox_id: int) -> dict[int, str]:
    """doc_id -> section of the papers a digest lists."""
    with db.connect() as conn:
        return dict(conn.execute(select(digest_papers.c.doc_id, digest_papers.c.section)
                                 .where(digest_papers.c.outbox_id == outbox_id)).all())
