"""A member as the community sees them: their profile, and leaving for good.

Deleting an account takes back the member's votes (each paper's count and trending score
corrected in the same transaction), keeps their comments as "deleted user", and lets the
schema drop their library, collections, claims, sessions and tokens with the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, select, update

from paperwire.accounts import users
from paperwire.accounts.members import Member
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.community import audit, scores
from paperwire.community.claims import Claim, claimed_papers
from paperwire.community.collections import Collection, public_collections
from paperwire.community.errors import Invalid, NotFound
from paperwire.community.rules import Policy
from paperwire.store.people_schema import comments
from paperwire.store.people_schema import users as users_table
from paperwire.store.people_schema import votes
from paperwire.store.schema import papers

RECENT_COMMENTS = 20


@dataclass(frozen=True)
class RecentComment:
    comment_id: int
    doc_id: int
    paper_id: str
    paper_title: str
    body_html: str
    created_at: datetime


@dataclass(frozen=True)
class Profile:
    username: str
    role: str
    joined_at: datetime
    claims: list[Claim]  # confirmed ones (Claim.verified); pending ones too on one's own profile
    collections: list[Collection]  # public ones
    comments: list[RecentComment]  # shown ones, newest first


def profile(db: Engine, policy: Policy, viewer: Member | None, username: str) -> Profile:
    with db.connect() as conn:
        account = conn.execute(select(users_table.c.id, users_table.c.username, users_table.c.role,
                                      users_table.c.created_at)
                               .where(users_table.c.username_key == (username.lower() if isinstance(username, str) else ""))
                               ).first()
        if account is None:
            raise NotFound("no such member")
        recent = conn.execute(
            select(comments.c.id, comments.c.doc_id, papers.c.id.label("paper_id"), papers.c.title,
                   comments.c.body_html, comments.c.created_at)
            .join(papers, papers.c.doc_id == comments.c.doc_id)
            .where(comments.c.user_id == account.id, comments.c.deleted_at.is_(None), comments.c.hidden_at.is_(None),
                   papers.c.deleted.is_(False))
            .order_by(comments.c.created_at.desc(), comments.c.id.desc()).limit(RECENT_COMMENTS)).all()
    return Profile(
        username=account.username, role=account.role, joined_at=as_utc(account.created_at),
        claims=claimed_papers(db, viewer, account.id),
        collections=public_collections(db, account.id),
        comments=[RecentComment(r.id, r.doc_id, r.paper_id, r.title, r.body_html, as_utc(r.created_at)) for r in recent],
    )


def delete_account(db: Engine, policy: Policy, viewer: Member | None, password: str) -> None:
    """A member deletes their own account, confirming with their password."""
    member = policy.require_member(viewer)
    if users.authenticate(db, member.username, password) is None:
        raise Invalid("password", "that is not your password; the account was not deleted")
    _erase(db, policy, member.id)


def delete_member(db: Engine, policy: Policy, viewer: Member | None, user_id: int) -> None:
    """An administrator deletes someone's account (logged, under the administrator's name)."""
    admin = policy.require_admin(viewer)
    with db.connect() as conn:
        username = conn.execute(select(users_table.c.username).where(users_table.c.id == user_id)).scalar()
    if username is None:
        raise NotFound("no such member")
    _erase(db, policy, user_id, logged_by=admin, username=username)


def _erase(db: Engine, policy: Policy, user_id: int, logged_by: Member | None = None, username: str = "") -> None:
    with db.begin() as conn:
        voted = sorted(conn.execute(select(votes.c.doc_id).where(votes.c.user_id == user_id)).scalars())
        if voted:  # the UPDATE takes the papers' rows before their votes go
            conn.execute(update(papers).where(papers.c.doc_id.in_(voted)).values(votes=papers.c.votes - 1))
            conn.execute(delete(votes).where(votes.c.user_id == user_id))
            scores.rescore(conn, voted, policy.half_life_hours)
        if logged_by is not None:
            audit.record(conn, logged_by, "user.delete", "user", user_id, {"username": username, "votes": len(voted)},
                         utc_now())
    commented = _commented(db, user_id)
    users.delete_user(db, user_id)
    with db.begin() as conn:  # their comments stay, now by "deleted user": rescore as such
        scores.rescore(conn, commented, policy.half_life_hours)


def _commented(db: Engine, user_id: int) -> list[int]:
    with db.connect() as conn:
        return list(conn.execute(select(comments.c.doc_id).where(comments.c.user_id == user_id).distinct()).scalars())

