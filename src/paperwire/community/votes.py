"""Upvotes: one a member a paper. papers.votes is this site's count (papers.upvotes is the count
an imported source carries, kept apart).

Both operations are idempotent and answer the paper's new count. The vote row, the count
and the trending score change together in one transaction that holds the paper's row, so
concurrent votes on one paper neither lose nor double a vote.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import Engine, bindparam, delete, select, update

from paperwire.accounts.members import Member
from paperwire.accounts.timestamps import utc_now
from paperwire.community import scores, trending
from paperwire.community.rules import Policy
from paperwire.community.writes import insert_new, lock_paper
from paperwire.store.people_schema import votes
from paperwire.store.schema import papers


# Built once, as every vote runs them (see community/writes.py).
_COUNTED = (update(papers).where(papers.c.doc_id == bindparam("counted_doc_id"))
            .values(votes=bindparam("new_votes"), trending_score=bindparam("new_score")))
_TAKEN_BACK = (delete(votes).where(votes.c.user_id == bindparam("user_id"), votes.c.doc_id == bindparam("doc_id"))
               .returning(votes.c.created_at))


def upvote(db: Engine, policy: Policy, viewer: Member | None, doc_id: int, *, now: datetime | None = None) -> int:
    member = policy.require_vote(viewer)
    now = now or utc_now()
    with db.begin() as conn:
        paper = lock_paper(conn, doc_id)
        if not insert_new(conn, votes, {"user_id": member.id, "doc_id": doc_id, "created_at": now}):
            return paper.votes
        score = scores.with_event(paper, now, trending.VOTE, policy.half_life_hours)
        conn.execute(_COUNTED, {"counted_doc_id": doc_id, "new_votes": paper.votes + 1, "new_score": score})
        return paper.votes + 1


def remove_upvote(db: Engine, policy: Policy, viewer: Member | None, doc_id: int) -> int:
    # Taking a vote back needs no verified address: whoever could vote can un-vote.
    member = policy.require_member(viewer)
    with db.begin() as conn:
        paper = lock_paper(conn, doc_id)
        cast_at = conn.execute(_TAKEN_BACK, {"user_id": member.id, "doc_id": doc_id}).scalar()
        if cast_at is None:
            return paper.votes
        score = scores.without_event(conn, paper, cast_at, trending.VOTE, policy.half_life_hours)
        conn.execute(_COUNTED, {"counted_doc_id": doc_id, "new_votes": paper.votes - 1, "new_score": score})
        return paper.votes - 1


# Built once, as every page of cards asks it (a statement built afresh pays its construction and cache key).
_VOTED = select(votes.c.doc_id).where(votes.c.user_id == bindparam("user_id"),
                                      votes.c.doc_id.in_(bindparam("doc_ids", expanding=True)))


def voted(db: Engine, viewer: Member | None, doc_ids: Iterable[int]) -> set[int]:
    """Which of ``doc_ids`` the viewer has upvoted (one query, for a page of cards)."""
    doc_ids = list(doc_ids)
    if viewer is None or not doc_ids:
        return set()
    with db.connect() as conn:
        return set(conn.execute(_VOTED, {"user_id": viewer.id, "doc_ids": doc_ids}).scalars())
