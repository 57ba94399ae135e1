"""Authorship claims: a member says "I wrote this paper", a moderator confirms or rejects it.

A confirmed claim shows on the member's profile as verified, and is what who_may_submit =
"authors" asks for. A pending claim is shown to its claimant only: nobody is named an
author of a paper before a moderator has looked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, bindparam, select, update

from paperwire.accounts.members import Member
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.community import audit
from paperwire.community.errors import Conflict, NotAllowed, NotFound
from paperwire.community.rules import Policy
from paperwire.community.writes import insert_new
from paperwire.store.people_schema import authorship_claims, users
from paperwire.store.schema import papers

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


@dataclass(frozen=True)
class Claim:
    id: int
    doc_id: int
    paper_id: str
    title: str
    claimant: str
    status: str  # pending / approved / rejected
    created_at: datetime

    @property
    def verified(self) -> bool:
        return self.status == APPROVED


def claim_authorship(db: Engine, policy: Policy, viewer: Member | None, doc_id: int,
                     *, now: datetime | None = None) -> Claim:
    member = policy.require_participant(viewer, "claim authorship")
    now = now or utc_now()
    with db.begin() as conn:
        if conn.execute(select(papers.c.doc_id).where(papers.c.doc_id == doc_id, papers.c.deleted.is_(False))).first() is None:
            raise NotFound("no such paper")
        if not insert_new(conn, authorship_claims, {"user_id": member.id, "doc_id": doc_id, "status": PENDING,
                                                    "created_at": now}):
            status = conn.execute(select(authorship_claims.c.status).where(
                authorship_claims.c.user_id == member.id, authorship_claims.c.doc_id == doc_id)).scalar()
            raise Conflict(f"you have already claimed this paper (claim {status})")
        return _claims(conn, authorship_claims.c.user_id == member.id, authorship_claims.c.doc_id == doc_id)[0]


def decide_claim(db: Engine, policy: Policy, viewer: Member | None, claim_id: int, approve: bool,
                 *, now: datetime | None = None) -> Claim:
    """A moderator confirms (``approve``) or rejects a pending claim; the decision is logged."""
    moderator = policy.require_moderator(viewer)
    now = now or utc_now()
    with db.begin() as conn:
        claim = conn.execute(select(authorship_claims).where(authorship_claims.c.id == claim_id)).first()
        if claim is None:
            raise NotFound("no such claim")
        if claim.user_id == moderator.id:
            raise NotAllowed("another moderator must decide your own claim")
        status = APPROVED if approve else REJECTED
        if conn.execute(update(authorship_claims)
                        .where(authorship_claims.c.id == claim_id, authorship_claims.c.status == PENDING)
                        .values(status=status, decided_at=now, decided_by=moderator.id)).rowcount != 1:
            raise Conflict(f"this claim was already decided ({claim.status})")
        audit.record(conn, moderator, "claim.approve" if approve else "claim.reject", "claim", claim_id,
                     {"doc_id": claim.doc_id, "claimant_id": claim.user_id}, now)
        return _claims(conn, authorship_claims.c.id == claim_id)[0]


def claimed_papers(db: Engine, viewer: Member | None, user_id: int) -> list[Claim]:
    """The papers a member has claimed, newest claim first: confirmed ones for everyone,
    pending ones too for the member themselves."""
    shown = [APPROVED, PENDING] if viewer is not None and viewer.id == user_id else [APPROVED]
    with db.connect() as conn:
        return _claimed(conn.execute(_CLAIMED, {"user_id": user_id, "statuses": shown}))


def pending_claims(db: Engine, policy: Policy, viewer: Member | None, limit: int = 50) -> list[Claim]:
    """Claims waiting for a moderator, oldest first (for the moderation queue)."""
    policy.require_moderator(viewer)
    with db.connect() as conn:
        return _claims(conn, authorship_claims.c.status == PENDING, oldest_first=True, limit=limit)


def _claims(conn, *where, oldest_first: bool = False, limit: int | None = None) -> list[Claim]:
    order = authorship_claims.c.id.asc() if oldest_first else authorship_claims.c.id.desc()
    return _claimed(conn.execute(_claims_query().where(*where).order_by(order).limit(limit)))


def _claims_query():
    return (select(authorship_claims, papers.c.id.label("paper_id"), papers.c.title, users.c.username)
            .join(papers, papers.c.doc_id == authorship_claims.c.doc_id)
            .join(users, users.c.id == authorship_claims.c.user_id))


def _claimed(rows) -> list[Claim]:
    return [Claim(row.id, row.doc_id, row.paper_id, row.title, row.username, row.status, as_utc(row.created_at))
            for row in rows]


# Built once: every paper page a member opens asks it (their claim on the paper), and every profile.
_CLAIMED = (_claims_query().where(authorship_claims.c.user_id == bindparam("user_id"),
                                  authorship_claims.c.status.in_(bindparam("statuses", expanding=True)))
            .order_by(authorship_claims.c.id.desc()))
