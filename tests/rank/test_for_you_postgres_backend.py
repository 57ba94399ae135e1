"""For you where search runs inside PostgreSQL: the recommender reads the recent papers' stored
vectors and keyword features from the catalog, and a reader gets the feed the local indexes give."""

from __future__ import annotations

import dataclasses

import pytest

from paperwire.community import library, votes
from paperwire.rank.for_you import recommend
from paperwire.search.backends import index_search, open_search


@pytest.fixture
def database_url(postgres_url) -> str:
    """This module's worlds live in PostgreSQL only: the backend needs it."""
    return postgres_url


@pytest.fixture
def in_postgres(world, settings, database_url):
    """The world's catalog searched inside PostgreSQL, beside its local indexes."""
    pg_settings = dataclasses.replace(settings, database_url=database_url, search_backend="postgres")
    index_search(pg_settings, world.catalog, progress=False, embedder=world.search.embedder)
    return open_search(pg_settings, world.catalog, world.search.embedder)


def test_a_reader_gets_the_same_feed_from_either_backend(world, in_postgres, policy, member):
    ann = member("ann")
    astro = world.papers("astro-ph")
    for paper in astro[:3]:
        library.save(world.catalog.engine, policy, ann, paper.doc_id)
    votes.upvote(world.catalog.engine, policy, ann, astro[3].doc_id)

    local = recommend(world.catalog.engine, policy, world.search, ann, limit=30)
    postgres = recommend(world.catalog.engine, policy, in_postgres, ann, limit=30)

    vectors, features = in_postgres.vectors_and_keywords()  # read from the catalog: every paper here is recent
    assert len(vectors) == len(features) == world.catalog.count()
    assert postgres.has_signals and len(postgres.items) == 30
    assert [item.paper.paper.primary_category.split(".")[0] for item in postgres.items[:5]] == ["astro-ph"] * 5
    assert [i.paper.doc_id for i in postgres.items] == [i.paper.doc_id for i in local.items]
    assert [i.reasons for i in postgres.items] == [i.reasons for i in local.items]
