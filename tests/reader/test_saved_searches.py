"""Saved searches: what may be saved, limits, privacy, and the new papers that match them."""

from __future__ import annotations

import dataclasses

import pytest

from paperwire.community.errors import Conflict, Invalid, NotAllowed, NotFound, NotSignedIn
from paperwire.reader import saved_searches

from community.community_support import arxiv_paper, day


def paper(number, listed, title, categories=("cs.CL",)):
    return dataclasses.replace(arxiv_paper(number, listed, title), categories=categories,
                               primary_category=categories[0])


def test_a_search_is_saved_as_typed_with_its_spacing_folded(db, policy, member):
    ann = member("ann")
    saved = saved_searches.add(db, policy, ann, '  sparse   autoencoder cat:cs.LG  ')
    assert saved.query == "sparse autoencoder cat:cs.LG"
    assert [s.query for s in saved_searches.mine(db, policy, ann)] == ["sparse autoencoder cat:cs.LG"]


@pytest.mark.parametrize("query, message", [
    ("", "query: is empty"),
    ("x" * 501, "is 501 characters long; at most 500"),
    ('"sparse autoencoder', "a quotation mark is not closed"),
    ("transformers since:yesterday", "'since:yesterday' cannot be used: dates are written YYYY-MM-DD"),
    ("has:data", "only has:code is known"),
    ("cat:", "'cat:' cannot be used: it needs a category"),
    ("-boring -\"dull stuff\"", "it has no words to look for"),
])
def test_a_query_the_search_box_would_misread_is_refused_with_the_reason(db, policy, member, query, message):
    ann = member("ann")
    with pytest.raises(Invalid, match=message):
        saved_searches.add(db, policy, ann, query)
    assert saved_searches.mine(db, policy, ann) == []


def test_filters_alone_make_a_search(db, policy, member):
    assert saved_searches.add(db, policy, member("ann"), "cat:cs.LG has:code").query == "cat:cs.LG has:code"


def test_the_same_search_twice_is_refused_whatever_its_case(db, policy, member):
    ann, bob = member("ann"), member("bob")
    saved_searches.add(db, policy, ann, "Sparse Autoencoder")
    with pytest.raises(Conflict, match='you already saved the search "sparse  autoencoder"'.replace("  ", " ")):
        saved_searches.add(db, policy, ann, "sparse  autoencoder")
    saved_searches.add(db, policy, bob, "sparse autoencoder")  # bob's own list


def test_the_number_of_saved_searches_is_limited(db, rules, member):
    policy = rules(saved_searches_per_member=2)
    ann = member("ann")
    saved_searches.add(db, policy, ann, "one")
    saved_searches.add(db, policy, ann, "two")
    with pytest.raises(NotAllowed, match="you have 2 saved searches, the most allowed is 2; remove one first"):
        saved_searches.add(db, policy, ann, "three")


def test_only_its_owner_removes_a_saved_search(db, policy, member):
    ann, bob = member("ann"), member("bob")
    saved = saved_searches.add(db, policy, ann, "sparse autoencoder")
    with pytest.raises(NotFound, match="no such saved search"):
        saved_searches.remove(db, policy, bob, saved.id)
    assert len(saved_searches.mine(db, policy, ann)) == 1
    assert saved_searches.mine(db, policy, bob) == []
    saved_searches.remove(db, policy, ann, saved.id)
    assert saved_searches.mine(db, policy, ann) == []
    with pytest.raises(NotSignedIn):
        saved_searches.mine(db, policy, None)


def test_new_matches_are_papers_of_the_window_matching_any_search(db, policy, member, add_papers, indexed):
    ann, bob = member("ann"), member("bob")
    add_papers(paper(1, day(-20), "Sparse autoencoder features, an old one", ("cs.LG",)),
               paper(2, day(-2), "Sparse autoencoder dictionaries", ("cs.LG",)),
               paper(3, day(-1), "Sparse autoencoder for speech", ("eess.AS",)),
               paper(4, day(-1), "Protein folding with diffusion", ("q-bio.BM",)),
               paper(5, day(-1), "Attention heads in small transformers", ("cs.CL",)))
    saved_searches.add(db, policy, ann, "sparse autoencoder cat:cs.LG")
    saved_searches.add(db, policy, ann, "protein")
    saved_searches.add(db, policy, bob, "attention")
    search, saved = indexed(), saved_searches.of_member(db, ann.id)
    found = saved_searches.new_matches(search, saved, since=day(-7), until=day(0), limit=10)
    assert [(p.paper.id, reason) for p, reason in found] == [
        ("2607.00002", 'matches your search "sparse autoencoder cat:cs.LG"'),
        ("2607.00004", 'matches your search "protein"'),
    ]
    assert saved_searches.new_matches(search, saved, since=day(-7), until=day(0), limit=1)[0][0].paper.id == "2607.00002"


def test_a_paper_matching_two_searches_comes_once_with_the_first_reason(db, policy, member, add_papers, indexed):
    ann = member("ann")
    add_papers(paper(1, day(-1), "Sparse protein autoencoder"))
    saved_searches.add(db, policy, ann, "sparse")
    saved_searches.add(db, policy, ann, "protein")
    saved = saved_searches.of_member(db, ann.id)
    found = saved_searches.new_matches(indexed(), saved, since=day(-7), until=day(0), limit=10)
    assert [(p.paper.id, reason) for p, reason in found] == [("2607.00001", 'matches your search "sparse"')]


def test_a_member_without_saved_searches_has_no_matches(db, member, add_papers, indexed):
    add_papers(paper(1, day(-1), "Anything"))
    saved = saved_searches.of_member(db, member("ann").id)
    assert saved == [] and saved_searches.new_matches(indexed(), saved, since=day(-7), until=day(0), limit=10) == []
