"""Following authors and categories: one's own list, limits, and the new papers it brings."""

from __future__ import annotations

import dataclasses

import pytest

from paperwire.community.errors import Invalid, NotAllowed, NotFound, NotSignedIn
from paperwire.reader import follows

from community.community_support import arxiv_paper, day


def by(paper, *authors, categories=("cs.CL",)):
    return dataclasses.replace(paper, authors=authors, categories=categories, primary_category=categories[0])


def test_an_author_is_followed_whatever_the_case_or_accents(db, policy, member, add_papers):
    ann = member("ann")
    add_papers(by(arxiv_paper(1, day(-1)), "Jürgen Schmidhuber"), by(arxiv_paper(2, day(-1)), "Someone Else"))
    assert follows.follow(db, policy, ann, "author", "  jurgen   SCHMIDHUBER ") == "jurgen SCHMIDHUBER"
    found = follows.new_papers_by_followed(db, ann.id, since=day(-7), until=day(0), limit=10)
    assert [(p.paper.id, reason) for p, reason in found] == [("2607.00001", "by jurgen SCHMIDHUBER, whom you follow")]
    assert follows.followed(db, ann.id).follows("author", "Jürgen Schmidhuber")


def test_new_papers_are_those_listed_in_the_window_newest_first(db, policy, member, add_papers):
    ann = member("ann")
    add_papers(by(arxiv_paper(1, day(-10)), "Ann Lee"), by(arxiv_paper(2, day(-3)), "Ann Lee", "Bob Stone"),
               by(arxiv_paper(3, day(-1)), "Bob Stone"), by(arxiv_paper(4, day(1)), "Ann Lee"))
    follows.follow(db, policy, ann, "author", "Ann Lee")
    follows.follow(db, policy, ann, "author", "Bob Stone")
    found = follows.new_papers_by_followed(db, ann.id, since=day(-7), until=day(0), limit=10)
    assert [(p.paper.id, reason) for p, reason in found] == [
        ("2607.00003", "by Bob Stone, whom you follow"),
        ("2607.00002", "by Ann Lee and Bob Stone, whom you follow"),
    ]
    assert len(follows.new_papers_by_followed(db, ann.id, since=day(-7), until=day(0), limit=1)) == 1


def test_followed_categories_do_not_bring_papers_of_their_own(db, policy, member, add_papers):
    ann = member("ann")
    add_papers(by(arxiv_paper(1, day(-1)), "Ann Lee", categories=("cs.LG",)))
    follows.follow(db, policy, ann, "category", "cs.LG")
    assert follows.followed(db, ann.id).categories == {"cs.LG": "cs.LG"}
    assert follows.new_papers_by_followed(db, ann.id, since=day(-7), until=day(0), limit=10) == []


def test_a_category_must_be_one_the_catalog_holds(db, policy, member, add_papers):
    ann = member("ann")
    add_papers(by(arxiv_paper(1), "Ann Lee", categories=("cs.LG", "stat.ML")))
    assert follows.follow(db, policy, ann, "category", "stat.ml") == "stat.ML"  # the catalog's spelling
    with pytest.raises(Invalid, match="'cs.XX' is not a category of any paper here"):
        follows.follow(db, policy, ann, "category", "cs.XX")
    with pytest.raises(Invalid, match="kind: must be one of author, category"):
        follows.follow(db, policy, ann, "venue", "NeurIPS")


def test_hostile_names_are_refused_or_cleaned(db, policy, member):
    ann = member("ann")
    with pytest.raises(Invalid, match="author: is empty"):
        follows.follow(db, policy, ann, "author", " \u202e\x00 ")
    with pytest.raises(Invalid, match="at most 200"):
        follows.follow(db, policy, ann, "author", "A" * 201)
    with pytest.raises(Invalid, match="is not a name"):
        follows.follow(db, policy, ann, "author", "<>!")
    assert follows.follow(db, policy, ann, "author", "Ann\x00 Lee") == "Ann Lee"


def test_following_twice_keeps_one_and_the_limit_counts_both_kinds(db, rules, member, add_papers):
    policy = rules(follows_per_member=2)
    ann = member("ann")
    add_papers(by(arxiv_paper(1), "Ann Lee", categories=("cs.LG",)))
    follows.follow(db, policy, ann, "author", "Ann Lee")
    follows.follow(db, policy, ann, "author", "ann lee")
    follows.follow(db, policy, ann, "category", "cs.LG")
    with pytest.raises(NotAllowed, match="you follow 2 authors and categories, the most allowed is 2"):
        follows.follow(db, policy, ann, "author", "Bob Stone")
    assert follows.following(db, policy, ann).authors == {"ann lee": "Ann Lee"}


def test_unfollowing_acts_on_ones_own_list_only(db, policy, member):
    ann, bob = member("ann"), member("bob")
    follows.follow(db, policy, ann, "author", "Ann Lee")
    with pytest.raises(NotFound):
        follows.unfollow(db, policy, bob, "author", "Ann Lee")
    assert follows.followed(db, ann.id).authors == {"ann lee": "Ann Lee"}
    assert follows.followed(db, bob.id) == follows.Followed({}, {})
    follows.unfollow(db, policy, ann, "author", "ANN LEE")
    assert follows.followed(db, ann.id).authors == {}


def test_a_visitor_or_a_disabled_member_follows_nothing(db, policy, member):
    ann = member("ann")
    with pytest.raises(NotSignedIn):
        follows.follow(db, policy, None, "author", "Ann Lee")
    with pytest.raises(NotAllowed, match="disabled"):
        follows.follow(db, policy, dataclasses.replace(ann, disabled=True), "author", "Ann Lee")
