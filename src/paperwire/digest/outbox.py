"""The outbox's states, and the lease a sender takes on the digests it is about to send.

A row is pending until sent, failed (given up, or refused for good) or cancelled (its reader
unsubscribed, or the address was refused). A sender claims pending rows that are due by
writing its own claim token and a lease end into them, in one UPDATE that only takes rows
no live lease holds: on PostgreSQL the candidates are locked FOR UPDATE SKIP LOCKED, so two
senders take different rows; on SQLite the UPDATE holds the database's write lock while it
reads and writes. Every later write names the claim token, so a sender whose lease ran out
(and whose rows another took) changes nothing. A killed sender's lease simply expires.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, func, or_, select, update

from paperwire.accounts.members import Member
from paperwire.accounts.timestamps import as_utc
from paperwire.community.rules import Policy
from paperwire.config import Settings
from paperwire.store.reader_schema import OUTBOX_HOLDS_TEXT, digest_subscriptions, outbox

# A lease outlasts the SMTP conversation it covers: smtplib waits up to smtp_timeout_s for
# each step (connect, greeting, EHLO, MAIL, RCPT, DATA, the data's answer), so ten of them.
LEASE_TIMEOUTS = 10
STATUSES = ("pending", "sent", "failed", "cancelled")


@dataclass(frozen=True)
class Claimed:
    """A digest this sender holds the lease on."""

    id: int
    subscription_id: int
    to_address: str
    message: str
    attempts: int
    created_at: datetime
    claim_token: str


@dataclass(frozen=True)
class Problem:
    """A digest an administrator should know about: failed, or pending after failed attempts."""

    id: int
    to_address: str
    kind: str
    period_key: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime


def _still_wanted():
    """The row's subscription still takes mail (an unsubscribe after composing wins)."""
    return outbox.c.subscription_id.in_(select(digest_subscriptions.c.id).where(
        digest_subscriptions.c.unsubscribed_at.is_(None), digest_subscriptions.c.undeliverable_at.is_(None)))


def _unleased(now: datetime):
    return or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now)


def lease_for(settings: Settings) -> timedelta:
    return timedelta(seconds=LEASE_TIMEOUTS * settings.smtp_timeout_s)


def claim_due(db: Engine, *, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
    """Take the lease on up to ``limit`` pending digests due at ``now``, oldest first."""
    token = secrets.token_hex(16)
    due = and_(outbox.c.status == "pending", outbox.c.next_attempt_at <= now, _unleased(now), _still_wanted())
    candidates = (select(outbox.c.id).where(due).order_by(outbox.c.id).limit(limit)
                  .with_for_update(skip_locked=True))  # PostgreSQL; SQLite leaves it out
    with db.begin() as conn:
        rows = conn.execute(
            update(outbox).where(outbox.c.id.in_(candidates.scalar_subquery()), due)
            .values(claim_token=token, claimed_until=now + lease)
            .returning(outbox.c.id, outbox.c.subscription_id, outbox.c.to_address, outbox.c.message,
                       outbox.c.attempts, outbox.c.created_at)).all()
    return sorted((Claimed(r.id, r.subscription_id, r.to_address, r.message, r.attempts, as_utc(r.created_at), token)
                   for r in rows), key=lambda c: c.id)


def _held(claimed: Claimed):
    return and_(outbox.c.id == claimed.id, outbox.c.claim_token == claimed.claim_token,
                outbox.c.status == "pending")


def _finish(db: Engine, claimed: Claimed, **values) -> bool:
    with db.begin() as conn:
        done = conn.execute(update(outbox).where(_held(claimed)).values(claimed_until=None, claim_token=None, **values)
                            .returning(outbox.c.id)).first()
    return done is not None


def mark_sent(db: Engine, claimed: Claimed, now: datetime) -> bool:
    return _finish(db, claimed, status="sent", sent_at=now, attempts=claimed.attempts + 1)


def retry_later(db: Engine, claimed: Claimed, error: str, at: datetime) -> bool:
    return _finish(db, claimed, attempts=claimed.attempts + 1, next_attempt_at=at, last_error=error[:2000])


def give_up(db: Engine, claimed: Claimed, error: str) -> bool:
    return _finish(db, claimed, status="failed", attempts=claimed.attempts + 1, last_error=error[:2000])


def cancel_unwanted(db: Engine) -> int:
    """Cancel the pending digests of subscriptions that no longer take mail; how many."""
    with db.begin() as conn:
        return len(conn.execute(update(outbox).where(outbox.c.status == "pending", ~_still_wanted())
                                .values(status="cancelled", claimed_until=None, claim_token=None)
                                .returning(outbox.c.id)).all())


FORGET_BATCH = 5000  # texts dropped in one transaction: a first run over years of digests holds no long lock


def forget_old_texts(db: Engine, before: datetime) -> int:
    """Drop the message text of the digests composed before ``before`` that are done with (sent,
    failed or cancelled); how many. Their rows stay: the period's key keeps a digest from being
    composed twice, and digest_papers what it listed. A text is ~55 KB, so ten thousand daily
    readers would otherwise add half a gigabyte a day, and a reader's old mail would be kept
    for no one."""
    forgotten = 0
    while True:
        with db.begin() as conn:
            done_with = (select(outbox.c.id).where(OUTBOX_HOLDS_TEXT, outbox.c.created_at < before,
                                                   outbox.c.status != "pending").limit(FORGET_BATCH))
            dropped = conn.execute(update(outbox).where(outbox.c.id.in_(done_with)).values(message="")).rowcount
        forgotten += dropped
        if dropped < FORGET_BATCH:
            return forgotten


def counts(db: Engine) -> dict[str, int]:
    """Digests by status, every status named (0 where none)."""
    with db.connect() as conn:
        found = dict(conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status)).all())
    return {status: found.get(status, 0) for status in STATUSES}


def overview(db: Engine, policy: Policy, viewer: Member | None, *, limit: int = 100
             ) -> tuple[dict[str, int], list[Problem]]:
    """What the administrators' outbox page shows: counts by status, and the problems (admins only)."""
    policy.require_admin(viewer)
    return counts(db), problems(db, limit=limit)


def problems(db: Engine, *, limit: int = 100) -> list[Problem]:
    """Failed digests and pending ones that failed before, newest first."""
    query = (select(outbox.c.id, outbox.c.to_address, outbox.c.kind, outbox.c.period_key, outbox.c.status,
                    outbox.c.attempts, outbox.c.last_error, outbox.c.created_at, outbox.c.next_attempt_at)
             .where(or_(outbox.c.status == "failed", and_(outbox.c.status == "pending", outbox.c.attempts > 0)))
             .order_by(outbox.c.created_at.desc(), outbox.c.id.desc()).limit(limit))
    with db.connect() as conn:
        return [Problem(r.id, r.to_address, r.kind, r.period_key, r.status, r.attempts, r.last_error,
                        as_utc(r.created_at), as_utc(r.next_attempt_at)) for r in conn.execute(query)]
