"""For you, as a reader meets it: what they keep shapes what comes next, what they dismiss or
saw never comes back, each paper says why, and nobody else's marks leak in. On SQLite and
PostgreSQL, with real sample papers and their real vectors."""

from __future__ import annotations

from datetime import date

import pytest

from paperwire.community import library, votes
from paperwire.community.errors import Invalid, NotSignedIn
from paperwire.rank import explain
from paperwire.rank.for_you import MODELS, recommend
from paperwire.reader.follows import follow


def feed(world, policy, reader, **options):
    return recommend(world.catalog.engine, policy, world.search, reader, **options)


def field_of(item) -> str:
    return item.paper.paper.primary_category.split(".")[0]


def test_saved_and_upvoted_astronomy_brings_astronomy_first_each_close_to_a_saved_paper(world, policy, member):
    ann = member("ann")
    astro = world.papers("astro-ph")
    for paper in astro[:3]:
        library.save(world.catalog.engine, policy, ann, paper.doc_id)
    votes.upvote(world.catalog.engine, policy, ann, astro[3].doc_id)

    found = feed(world, policy, ann, limit=100)

    assert found.has_signals
    fields = [field_of(item) for item in found.items]
    assert fields[:5] == ["astro-ph"] * 5
    ranks = {field: sum(i for i, f in enumerate(fields) if f == field) / fields.count(field) for field in set(fields)}
    assert ranks["astro-ph"] < ranks["cs"] / 2
    kept = {explain.close_to(p.paper.title) for p in astro[:4]}
    for item in found.items:
        assert kept.intersection(item.reasons), item.reasons
    assert {item.paper.doc_id for item in found.items}.isdisjoint(p.doc_id for p in astro[:4])


def test_a_dismissed_paper_never_comes_back_and_pulls_its_neighbours_down(world, policy, member):
    ann = member("ann")
    db = world.catalog.engine
    astro, cs = world.papers("astro-ph"), world.papers("cs")
    library.save(db, policy, ann, astro[0].doc_id)
    library.save(db, policy, ann, cs[0].doc_id)
    before = [item.paper.doc_id for item in feed(world, policy, ann, limit=100).items]
    unwanted = next(doc_id for doc_id in before if doc_id in {p.doc_id for p in astro})

    library.dismiss(db, policy, ann, unwanted)
    after = [item.paper.doc_id for item in feed(world, policy, ann, limit=100).items]

    assert unwanted not in after
    paper_id = world.catalog.by_doc_ids([unwanted])[0].paper.id
    neighbours = [hit.paper.doc_id for hit in world.search.similar(paper_id, limit=6) if hit.paper.doc_id in after]

    def mean_rank(ranked: list[int]) -> float:
        return sum(ranked.index(d) for d in neighbours) / len(neighbours)

    assert mean_rank(after) > mean_rank(before) + 1, (mean_rank(before), mean_rank(after))  # they went down
    assert feed(world, policy, ann, limit=100, exclude=[cs[1].doc_id]).items  # and exclusion is the caller's too
    assert cs[1].doc_id not in {i.paper.doc_id for i in feed(world, policy, ann, limit=100, exclude=[cs[1].doc_id]).items}


def test_seen_and_saved_papers_are_not_recommended(world, policy, member):
    ann = member("ann")
    db = world.catalog.engine
    cs = world.papers("cs")
    library.save(db, policy, ann, cs[0].doc_id)
    first = feed(world, policy, ann, limit=3).items[0].paper.doc_id
    library.mark_seen(db, policy, ann, first)

    shown = {item.paper.doc_id for item in feed(world, policy, ann, limit=100).items}

    assert first not in shown and cs[0].doc_id not in shown
    assert len(shown) == world.catalog.count() - 2


def test_the_model_is_retrained_when_signals_change_and_reused_otherwise(world, policy, member):
    ann = member("ann")
    db = world.catalog.engine
    library.save(db, policy, ann, world.papers("cs")[0].doc_id)
    feed(world, policy, ann)
    trained = MODELS.trained

    feed(world, policy, ann, limit=5)
    assert MODELS.trained == trained  # nothing changed: the same model answers

    votes.upvote(db, policy, ann, world.papers("cs")[1].doc_id)
    feed(world, policy, ann)
    assert MODELS.trained == trained + 1


def test_a_newcomer_gets_trending_papers_in_the_followed_categories(world, policy, member):
    bob = member("bob")
    category = world.papers("astro-ph")[0].paper.primary_category
    everything = feed(world, policy, bob, limit=100)
    follow(world.catalog.engine, policy, bob, "category", category)

    found = feed(world, policy, bob, limit=100)

    assert not found.has_signals and not everything.has_signals
    assert len(everything.items) == world.catalog.count()
    assert found.items and all(category in item.paper.paper.categories for item in found.items)
    assert all(item.reasons == (f"trending in {category}",) for item in found.items)


def test_a_followed_author_lifts_their_paper_and_says_so(world, policy, member):
    ann = member("ann")
    astro, cs = world.papers("astro-ph"), world.papers("cs")
    for paper in astro[:3]:
        library.save(world.catalog.engine, policy, ann, paper.doc_id)
    author = cs[-1].paper.authors[0]
    unfollowed = [item.paper.doc_id for item in feed(world, policy, ann, limit=100).items]
    follow(world.catalog.engine, policy, ann, "author", author)

    found = feed(world, policy, ann, limit=100).items

    lifted = next(item for item in found if item.paper.doc_id == cs[-1].doc_id)
    assert f"by {author}, whom you follow" in lifted.reasons
    assert found.index(lifted) < unfollowed.index(cs[-1].doc_id)


def test_one_readers_marks_never_shape_anothers_feed(world, policy, member):
    ann, bob = member("ann"), member("bob")
    saved = world.papers("astro-ph")[0].doc_id
    library.save(world.catalog.engine, policy, ann, saved)
    library.dismiss(world.catalog.engine, policy, ann, world.papers("cs")[0].doc_id)

    bobs = feed(world, policy, bob, limit=100)

    assert not bobs.has_signals
    assert {saved, world.papers("cs")[0].doc_id} <= {item.paper.doc_id for item in bobs.items}


def test_odd_requests_are_refused_naming_the_parameter(world, policy, member):
    ann = member("ann")
    with pytest.raises(NotSignedIn):
        feed(world, policy, None)
    for options, field in (({"limit": 0}, "limit"), ({"limit": 101}, "limit"),
                           ({"since": date(2026, 7, 2), "until": date(2026, 7, 1)}, "since"),
                           ({"since": date(1900, 1, 1), "until": date(2026, 7, 1)}, "since")):
        with pytest.raises(Invalid) as refused:
            feed(world, policy, ann, **options)
        assert refused.value.field == field


def test_the_window_chooses_the_listing_days(world, policy, member):
    ann = member("ann")
    library.save(world.catalog.engine, policy, ann, world.papers("cs")[0].doc_id)

    one_day = feed(world, policy, ann, limit=100, since=date(2026, 6, 30), until=date(2026, 6, 30))

    assert (one_day.since, one_day.until) == (date(2026, 6, 30), date(2026, 6, 30))
    assert {item.paper.paper.listing_date for item in one_day.items} == {date(2026, 6, 30)}
    assert feed(world, policy, ann, since=date(2026, 1, 1), until=date(2026, 1, 7)).items == []
