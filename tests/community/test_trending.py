"""Trending: a public formula, checked by hand on a small scenario, updated the moment a vote lands.

The scenario, at NOW (Wednesday noon UTC), with the default half-life h = 36 hours; each
event counts 2^(-age/h) (see paperwire/community/trending.py):

  today's paper      listed today 00:00 (12 h ago: 0.79)  + 3 votes at 10:00 (2 h ago: 3 x 0.96)  = 3.68
  yesterday's paper  listed 36 h ago (0.50)               + 10 votes 24 h ago (10 x 0.63)          = 6.80
  last week's paper  listed 180 h ago (0.03)              + 40 votes 168 h ago (40 x 0.039)        = 1.61

so yesterday's leads, then today's, then last week's despite its 40 votes. Four more votes
on today's paper now (+4.00) make it 7.68 and put it first.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from paperwire.cli import main
from paperwire.community import scores, trending, votes
from paperwire.store import browse, open_catalog
from paperwire.store.schema import papers

from .community_support import NOW, arxiv_paper, day


@pytest.fixture
def scenario(db, policy, member, add_papers):
    """The three papers above, with their votes; answers their doc_ids (today, yesterday, last week)."""
    today, yesterday, last_week = add_papers(arxiv_paper(1, day(0)), arxiv_paper(2, day(-1)), arxiv_paper(3, day(-7)))
    crowd = [member(f"reader{n}") for n in range(44)]
    for doc, count, age in ((today, 3, 2), (yesterday, 10, 24), (last_week, 40, 168)):
        for voter in crowd[:count]:
            votes.upvote(db, policy, voter, doc, now=NOW - timedelta(hours=age))
    return today, yesterday, last_week, crowd


def heat_now(db, doc_id: int, half_life: float = 36.0) -> float:
    with db.connect() as conn:
        score = conn.execute(select(papers.c.trending_score).where(papers.c.doc_id == doc_id)).scalar()
    return trending.heat(score, trending.hours(NOW), half_life)


def trending_order(catalog) -> list[int]:
    return [p.doc_id for p in browse.trending(catalog, limit=10)[0]]


def test_the_scenario_ranks_as_worked_out_by_hand(db, catalog, scenario):
    today, yesterday, last_week, _ = scenario
    assert trending_order(catalog) == [yesterday, today, last_week]
    assert heat_now(db, today) == pytest.approx(3.68, abs=0.01)
    assert heat_now(db, yesterday) == pytest.approx(6.80, abs=0.01)
    assert heat_now(db, last_week) == pytest.approx(1.61, abs=0.01)


def test_a_vote_moves_a_paper_up_at_once_and_taking_it_back_moves_it_down(db, catalog, policy, scenario):
    today, yesterday, last_week, crowd = scenario
    for voter in crowd[3:7]:
        votes.upvote(db, policy, voter, today, now=NOW)
    assert heat_now(db, today) == pytest.approx(7.68, abs=0.01)
    assert trending_order(catalog) == [today, yesterday, last_week]
    for voter in crowd[3:7]:
        votes.remove_upvote(db, policy, voter, today)
    assert trending_order(catalog) == [yesterday, today, last_week]
    assert heat_now(db, today) == pytest.approx(3.68, abs=0.01)


def test_a_new_paper_starts_from_its_listing_day(db, catalog, add_papers):
    [listed, undated] = add_papers(arxiv_paper(1, day(-2)), arxiv_paper(2, None))
    assert heat_now(db, listed) == pytest.approx(2 ** (-60 / 36))  # listed 60 hours before NOW
    assert catalog.by_doc_ids([undated])[0].trending_score == trending.NO_EVENTS


def test_the_incremental_scores_equal_a_rebuild_from_the_events(db, scenario):
    with db.connect() as conn:
        stored = dict(conn.execute(select(papers.c.doc_id, papers.c.trending_score)).all())
    assert scores.rebuild(db, 36.0) == 3
    with db.connect() as conn:
        rebuilt = dict(conn.execute(select(papers.c.doc_id, papers.c.trending_score)).all())
    assert rebuilt == pytest.approx(stored, abs=1e-6)


def test_a_shorter_half_life_after_a_rebuild_favours_the_fresh_paper(db, catalog, scenario):
    """h = 12: today 0.5 + 3 x 0.89 = 3.17 beats yesterday 0.125 + 10 x 0.25 = 2.63."""
    today, yesterday, last_week, _ = scenario
    scores.rebuild(db, 12.0)
    assert trending_order(catalog) == [today, yesterday, last_week]
    assert heat_now(db, today, 12.0) == pytest.approx(3.17, abs=0.01)


def test_removing_the_only_vote_on_an_old_paper_keeps_its_score_exact(db, policy, member, add_papers):
    """The vote is nearly all of the score: subtracting would lose the listing event's share."""
    [doc] = add_papers(arxiv_paper(1, day(-400)))
    ann = member("ann")
    votes.upvote(db, policy, ann, doc, now=NOW)
    votes.remove_upvote(db, policy, ann, doc)
    assert heat_now(db, doc) == pytest.approx(2 ** (-(400 * 24 + 12) / 36), rel=1e-9)


def test_the_trending_command_rebuilds_with_the_homes_half_life_and_lists_the_papers(settings):
    """On the home's SQLite catalog, as an administrator runs it after editing paperwire.toml."""
    settings.home.mkdir(parents=True, exist_ok=True)
    (settings.home / "paperwire.toml").write_text("trending_half_life_hours = 12\n")
    catalog = open_catalog(settings.catalog_url)
    catalog.store([arxiv_paper(1, day(-1)), arxiv_paper(2, day(0))])
    catalog.engine.dispose()
    result = CliRunner().invoke(main, ["--home", str(settings.home), "trending", "--rebuild", "-k", "5"])
    assert result.exit_code == 0, result.output
    assert "rescored 2 papers" in result.output and "half-life 12 hours" in result.output
    listed = [line.split()[1] for line in result.output.splitlines()[1:]]
    assert listed == ["2607.00002", "2607.00001"]  # today's first

