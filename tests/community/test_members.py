"""Profiles, and leaving: a deleted account's votes go, its comments stay as "deleted user"."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from paperwire.accounts import users
from paperwire.community import claims, collections, comments, library, members, scores, votes
from paperwire.community.errors import Invalid, NotAllowed, NotFound
from paperwire.store.people_schema import collections as collections_table
from paperwire.store.people_schema import library_items
from paperwire.store.schema import papers

from .community_support import NOW, PASSWORD, arxiv_paper


@pytest.fixture
def docs(add_papers) -> list[int]:
    return add_papers(arxiv_paper(1), arxiv_paper(2))


def paper_row(db, doc_id: int):
    with db.connect() as conn:
        return conn.execute(select(papers.c.votes, papers.c.num_comments, papers.c.trending_score)
                            .where(papers.c.doc_id == doc_id)).one()


def test_deleting_an_account_takes_its_votes_and_keeps_its_comments(db, policy, member, docs):
    ann, bob = member("ann"), member("bob")
    for doc in docs:
        votes.upvote(db, policy, ann, doc, now=NOW)
    votes.upvote(db, policy, bob, docs[0], now=NOW)
    comments.add_comment(db, policy, ann, docs[0], "My take.", now=NOW)
    library.save(db, policy, ann, docs[1])
    collections.create_collection(db, policy, ann, "Mine")

    with pytest.raises(Invalid, match="not your password; the account was not deleted"):
        members.delete_account(db, policy, ann, "a wrong password entirely")
    members.delete_account(db, policy, ann, PASSWORD)

    assert users.member_by_id(db, ann.id) is None
    assert [paper_row(db, doc).votes for doc in docs] == [1, 0]
    assert paper_row(db, docs[0]).num_comments == 1
    [kept] = comments.thread(db, policy, None, docs[0])
    assert kept.author_name == "deleted user"
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(library_items)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(collections_table)).scalar() == 0
        from_events = scores.recomputed(conn, docs, policy.half_life_hours)
    assert [paper_row(db, doc).trending_score for doc in docs] == pytest.approx([from_events[d] for d in docs])


def test_only_an_admin_deletes_someone_else(db, policy, member, docs):
    ann, mod, root = member("ann"), member("mod", role="moderator"), member("root", role="admin")
    votes.upvote(db, policy, ann, docs[0])
    with pytest.raises(NotAllowed, match="only administrators"):
        members.delete_member(db, policy, mod, ann.id)
    members.delete_member(db, policy, root, ann.id)
    assert paper_row(db, docs[0]).votes == 0
    with pytest.raises(NotFound):
        members.delete_member(db, policy, root, ann.id)


def test_a_profile_shows_confirmed_papers_public_collections_and_recent_comments(db, policy, member, docs):
    ann, bob, mod = member("ann"), member("bob"), member("mod", role="moderator")
    confirmed = claims.claim_authorship(db, policy, ann, docs[0])
    claims.decide_claim(db, policy, mod, confirmed.id, approve=True)
    claims.claim_authorship(db, policy, ann, docs[1])  # pending
    collections.create_collection(db, policy, ann, "Open", is_public=True)
    collections.create_collection(db, policy, ann, "Secret")
    comments.add_comment(db, policy, ann, docs[0], "First *thoughts*.")
    hidden = comments.add_comment(db, policy, ann, docs[1], "Regrettable.")
    comments.hide_comment(db, policy, mod, hidden.id)

    seen_by_bob = members.profile(db, policy, bob, "Ann")
    assert seen_by_bob.username == "ann"
    assert [(c.paper_id, c.verified) for c in seen_by_bob.claims] == [("2607.00001", True)]
    assert [c.slug for c in seen_by_bob.collections] == ["open"]
    assert [(c.paper_id, c.body_html) for c in seen_by_bob.comments] == [("2607.00001", "<p>First <em>thoughts</em>.</p>\n")]
    own = members.profile(db, policy, ann, "ann")
    assert [(c.paper_id, c.verified) for c in own.claims] == [("2607.00002", False), ("2607.00001", True)]
    with pytest.raises(NotFound, match="no such member"):
        members.profile(db, policy, bob, "nobody-here")
