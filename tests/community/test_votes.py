"""Upvotes: one a member, idempotent, counted apart from a source's own count, safe under load."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, update

from paperwire.accounts import users
from paperwire.community import scores, votes
from paperwire.community.errors import NotAllowed, NotFound, NotSignedIn
from paperwire.paper import DeletedRecord
from paperwire.store.people_schema import votes as votes_table
from paperwire.store.schema import papers

from .community_support import arxiv_paper


def site_votes(db, doc_id: int) -> tuple[int, int]:
    """(this site's votes, the source's upvotes) as the paper row holds them."""
    with db.connect() as conn:
        return tuple(conn.execute(select(papers.c.votes, papers.c.upvotes).where(papers.c.doc_id == doc_id)).one())


def test_a_member_votes_once_and_takes_it_back_once(db, policy, member, add_papers):
    [doc] = add_papers(arxiv_paper(1))
    ann, bob = member("ann"), member("bob")
    assert votes.upvote(db, policy, ann, doc) == 1
    assert votes.upvote(db, policy, ann, doc) == 1  # a second click changes nothing
    assert votes.upvote(db, policy, bob, doc) == 2
    assert votes.remove_upvote(db, policy, ann, doc) == 1
    assert votes.remove_upvote(db, policy, ann, doc) == 1
    assert votes.voted(db, ann, [doc]) == set() and votes.voted(db, bob, [doc]) == {doc}


def test_the_sites_votes_stay_apart_from_the_count_a_source_carries(db, policy, member, add_papers, catalog):
    [doc] = add_papers(arxiv_paper(1))
    with db.begin() as conn:  # as a Hugging Face import leaves it
        conn.execute(update(papers).where(papers.c.doc_id == doc).values(upvotes=40))
    votes.upvote(db, policy, member("ann"), doc)
    assert site_votes(db, doc) == (1, 40)
    stored = catalog.get("2607.00001")
    assert (stored.votes, stored.paper.upvotes) == (1, 40)


def test_voted_marks_many_cards_at_once(db, policy, member, add_papers):
    docs = add_papers(*(arxiv_paper(n) for n in range(1, 6)))
    ann = member("ann")
    for doc in docs[1:4]:
        votes.upvote(db, policy, ann, doc)
    assert votes.voted(db, ann, docs) == set(docs[1:4])
    assert votes.voted(db, None, docs) == set()  # anonymous readers have voted on nothing


def test_who_may_vote(db, policy, rules, member, add_papers):
    [doc] = add_papers(arxiv_paper(1))
    with pytest.raises(NotSignedIn):
        votes.upvote(db, policy, None, doc)
    newcomer = member("newcomer", verified=False)
    with pytest.raises(NotAllowed, match="confirm your e-mail address before you vote"):
        votes.upvote(db, policy, newcomer, doc)
    assert votes.upvote(db, rules(unverified_may_participate=True), newcomer, doc) == 1
    ann = member("ann")
    users.disable(db, ann.id)
    with pytest.raises(NotAllowed, match="disabled"):
        votes.upvote(db, policy, users.member_by_id(db, ann.id), doc)
    assert site_votes(db, doc)[0] == 1


def test_no_vote_on_a_paper_that_is_not_there(db, policy, member, add_papers, catalog):
    [doc] = add_papers(arxiv_paper(1))
    ann = member("ann")
    with pytest.raises(NotFound, match="no such paper"):
        votes.upvote(db, policy, ann, doc + 1000)
    catalog.store([DeletedRecord("2607.00001")])
    with pytest.raises(NotFound):
        votes.upvote(db, policy, ann, doc)  # withdrawn


def test_fifty_threads_voting_and_unvoting_leave_one_vote_per_member_and_an_exact_count(db, policy, member, add_papers):
    [doc] = add_papers(arxiv_paper(1))
    crowd = [member(f"voter{n}") for n in range(10)]
    keepers = {m.id for m in crowd[:4]}  # these end with a vote; the others take theirs back
    threads = 50
    everyone_toggled = threading.Barrier(threads)

    def vote_a_lot(thread: int) -> None:
        voter = crowd[thread % len(crowd)]  # five threads share each member
        chance = random.Random(thread)
        for _ in range(20):
            (votes.upvote if chance.random() < 0.5 else votes.remove_upvote)(db, policy, voter, doc)
        everyone_toggled.wait()
        (votes.upvote if voter.id in keepers else votes.remove_upvote)(db, policy, voter, doc)

    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(vote_a_lot, n) for n in range(threads)]:
            future.result()  # re-raises any error, "database is locked" included

    with db.connect() as conn:
        voters = set(conn.execute(select(votes_table.c.user_id).where(votes_table.c.doc_id == doc)).scalars())
        rows = conn.execute(select(func.count()).select_from(votes_table).where(votes_table.c.doc_id == doc)).scalar()
        stored_score = conn.execute(select(papers.c.trending_score).where(papers.c.doc_id == doc)).scalar()
        from_events = scores.recomputed(conn, [doc], policy.half_life_hours)[doc]
    assert voters == keepers and rows == 4
    assert site_votes(db, doc)[0] == 4
    assert stored_score == pytest.approx(from_events, abs=1e-6)  # the score went up and down with the votes
