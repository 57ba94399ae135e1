"""search_backend = "postgres" answers as the local indexes do: the same corpus in a SQLite home with
its own indexes and in a PostgreSQL database searched in place, asked the same questions.

The corpus: 1,500 generated papers (enough that one HNSW probe of 200 candidates sees few of a
narrow category) plus a few written for phrases, exclusions and authors. Vectors come from the
fake embedder of tests/search/conftest.py, the same on both sides.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from paperwire.config import ConfigError, load_settings
from paperwire.search import IndexMissing, SearchFilters, SearchService, open_search
from paperwire.search.backends import index_search
from paperwire.search.postgres import service as postgres_service
from paperwire.search.postgres.service import PostgresSearchService
from paperwire.search.arxiv_query import parse_search_query
from paperwire.search.query import MAX_QUERY_CHARS
from paperwire.store import open_catalog
from paperwire.web.http.overload import is_overload

from search.conftest import WordHashEmbedder, make_test_paper

VOCABULARY = ("graph neural network transformer attention language model vision image retrieval ranking "
              "reinforcement policy reward robot control diffusion sampling noise protein molecule "
              "optimisation gradient convex bound theorem proof kernel regression causal inference").split()
NARROW = "q-bio.PE"  # papers of far-away words: HNSW's first candidates near a query hold none of them
FINCHES = 300
FIRST_DAY = date(2026, 1, 1)
FINCH_DAY = date(2025, 6, 1)  # the finch papers, and only they, are listed in 2025


@dataclass
class Backends:
    local: SearchService
    postgres: PostgresSearchService

    def both(self):
        return (("local", self.local), ("postgres", self.postgres))


def corpus() -> list:
    rng = random.Random(10)
    papers = []
    for n in range(1500):
        title = " ".join(rng.choices(VOCABULARY, k=5))
        abstract = " ".join(rng.choices(VOCABULARY, k=40))
        papers.append(make_test_paper(f"2601.{n:05d}", title.capitalize(), abstract,
                                      categories=[rng.choice(["cs.LG", "cs.CL", "cs.CV"]), "stat.ML"],
                                      authors=[f"Author {rng.randrange(200)}"],
                                      listing_date=FIRST_DAY + timedelta(days=n % 90), upvotes=n % 7))
    for n in range(FINCHES):
        papers.append(make_test_paper(f"2602.{n:05d}", f"Population dynamics of finches {n}",
                                      "Island species migrate seasonally; ecology census of beaks and songs.",
                                      categories=[NARROW], listing_date=FINCH_DAY + timedelta(days=n % 30)))
    papers += [
        make_test_paper("2603.00001", "Sparse autoencoder features in language models",
                        "We train a sparse autoencoder on activations.", authors=["Kaiming He", "Ada Lovelace"],
                        categories=["cs.LG"], primary_category="cs.LG", listing_date=date(2026, 3, 2)),
        make_test_paper("2603.00002", "Autoencoder that is sparse by design",
                        "A sparse and small autoencoder for images.", authors=["Yun He"],
                        categories=["cs.CV"], primary_category="cs.CV", listing_date=date(2026, 3, 3)),
        make_test_paper("2603.00003", "Schrödinger bridges for matryoshka embeddings",
                        "Nested embeddings learned with a bridge; no sparse autoencoder here.",
                        authors=["Élodie Müller"], categories=["cs.CL", "cs.LG"], primary_category="cs.CL",
                        listing_date=date(2026, 3, 4), code_links=["https://github.com/x/y"]),
    ]
    return papers


@pytest.fixture(scope="module")
def backends(tmp_path_factory, postgres_server) -> Backends:
    embedder = WordHashEmbedder()
    papers = corpus()
    local_settings = load_settings(home=tmp_path_factory.mktemp("local-home"), environ={})
    local_catalog = open_catalog(local_settings.catalog_url)
    local_catalog.store(papers)
    index_search(local_settings, local_catalog, progress=False, embedder=embedder)

    # As on a catalog of many thousands, the planner walks the HNSW graph for the nearest papers rather
    # than sorting them all (which on 1,800 papers it would rather do).
    postgres_server.psql("CREATE DATABASE paperwire_backends; ALTER DATABASE paperwire_backends SET enable_sort = off;")
    url = postgres_server.get_uri("paperwire_backends")
    pg_settings = load_settings(home=tmp_path_factory.mktemp("pg-home"),
                                environ={"PAPERWIRE_DATABASE_URL": url, "PAPERWIRE_SEARCH_BACKEND": "postgres"})
    pg_catalog = open_catalog(url)
    pg_catalog.store(papers)
    index_search(pg_settings, pg_catalog, progress=False, embedder=embedder)
    yield Backends(SearchService(local_settings, local_catalog, embedder),
                   open_search(pg_settings, pg_catalog, embedder))
    local_catalog.engine.dispose()
    pg_catalog.engine.dispose()


def ids(results) -> list[str]:
    return [hit.paper.paper.id for hit in results.hits]


def test_the_setting_picks_the_backend_and_refuses_postgres_over_sqlite(tmp_path):
    with pytest.raises(ConfigError, match="search_backend"):
        load_settings(home=tmp_path, environ={"PAPERWIRE_SEARCH_BACKEND": "postgres"})
    with pytest.raises(ConfigError, match="search_backend: expected one of local, postgres"):
        load_settings(home=tmp_path, environ={"PAPERWIRE_SEARCH_BACKEND": "elasticsearch"})


def test_a_database_without_the_indexes_says_to_run_paperwire_index(tmp_path, postgres_server, new_paper):
    postgres_server.psql("CREATE DATABASE paperwire_unindexed;")
    url = postgres_server.get_uri("paperwire_unindexed")
    settings = load_settings(home=tmp_path, environ={"PAPERWIRE_DATABASE_URL": url,
                                                     "PAPERWIRE_SEARCH_BACKEND": "postgres"})
    catalog = open_catalog(url)
    catalog.store([new_paper("2604.00001", "Lonely paper", "It waits for its index.")])
    embedder = WordHashEmbedder()
    service = open_search(settings, catalog, embedder)
    with pytest.raises(IndexMissing, match="run `paperwire index`"):
        service.search("lonely")

    first = index_search(settings, catalog, progress=False, embedder=embedder)
    again = index_search(settings, catalog, progress=False, embedder=embedder)
    assert first.embedded == 1 and "vector index (HNSW" in " ".join(first.created)
    assert again.embedded == 0 and again.created == ()  # idempotent: nothing left to make
    assert ids(service.search("lonely")) == ["2604.00001"]
    catalog.engine.dispose()


def test_a_rare_word_finds_the_same_papers_on_both(backends):
    for name, service in backends.both():
        found = service.search("finches", mode="keyword", limit=200)
        assert len(found.hits) == 200 and all(h.paper.paper.id.startswith("2602.") for h in found.hits), name
        assert found.total == FINCHES, name


def test_a_phrase_needs_its_words_in_order(backends):
    for name, service in backends.both():
        found = ids(service.search('"sparse autoencoder"', mode="keyword"))
        assert found[:2] == ["2603.00001", "2603.00003"] or set(found) == {"2603.00001", "2603.00003"}, name
        assert "2603.00002" not in found, name  # "sparse and small autoencoder": not the phrase


def test_an_excluded_word_or_phrase_leaves_every_mode(backends):
    for name, service in backends.both():
        for mode in ("keyword", "semantic", "hybrid"):
            found = ids(service.search('autoencoder -"sparse autoencoder"', mode=mode, limit=50))
            assert "2603.00001" not in found and "2603.00003" not in found, (name, mode)
        assert "2603.00002" in ids(service.search('autoencoder -"sparse autoencoder"', mode="keyword")), name


def test_accents_and_stems_fold_as_in_the_local_index(backends):
    for name, service in backends.both():
        assert ids(service.search("schrodinger bridge", mode="keyword"))[0] == "2603.00003", name


def test_category_author_date_and_code_filters_hold_in_every_mode(backends):
    for name, service in backends.both():
        for mode in ("keyword", "semantic", "hybrid"):
            primary = service.search("autoencoder primary:cs.CV", mode=mode)
            assert ids(primary)[0] == "2603.00002", (name, mode)
            assert all(h.paper.paper.primary_category == "cs.CV" for h in primary.hits), (name, mode)
            by_author = service.search('author:"Kaiming He" sparse', mode=mode)
            assert ids(by_author) == ["2603.00001"], (name, mode)
            any_he = service.search("author:He autoencoder", mode=mode)
            assert set(ids(any_he)) == {"2603.00001", "2603.00002"}, (name, mode)
            accented = service.search('author:"elodie muller" embeddings', mode=mode)
            assert ids(accented) == ["2603.00003"], (name, mode)
            dated = service.search("graph since:2026-02-01 until:2026-02-10", mode=mode, limit=100)
            assert dated.hits and all(date(2026, 2, 1) <= h.paper.paper.listing_date <= date(2026, 2, 10)
                                      for h in dated.hits), (name, mode)
            coded = service.search("embeddings has:code", mode=mode)
            assert ids(coded) == ["2603.00003"], (name, mode)


def test_a_narrow_filter_still_gets_k_papers_from_hnsw(backends):
    # Only finch papers are listed in 2025, all far from the query in meaning: HNSW's first candidates
    # hold none of them, and the iterative scan walks on until it has ten.
    for name, service in backends.both():
        found = service.search("graph neural network attention until:2025-12-31", mode="semantic", limit=10)
        assert len(found.hits) == 10 and all(NARROW in h.paper.paper.categories for h in found.hits), name


def test_sorts_order_the_same_matches_by_date_or_upvotes(backends):
    for name, service in backends.both():
        newest = service.search("kernel regression cat:cs.CV", sort="newest", limit=30)
        days = [h.paper.paper.listing_date for h in newest.hits]
        assert len(days) == 30 and days == sorted(days, reverse=True), name
        voted = service.search("kernel regression cat:cs.CV", sort="upvotes", limit=30)
        upvotes = [h.paper.paper.upvotes for h in voted.hits]
        assert upvotes == sorted(upvotes, reverse=True) and upvotes[0] == 6, name


def test_a_listing_without_words_is_the_same_page_on_both(backends):
    pages = {name: service.search(f"cat:{NARROW}", sort="newest", limit=20, offset=40)
             for name, service in backends.both()}
    assert ids(pages["local"]) == ids(pages["postgres"])
    days = [h.paper.paper.listing_date for h in pages["postgres"].hits]
    assert len(days) == 20 and days == sorted(days, reverse=True)
    assert pages["local"].total == pages["postgres"].total == FINCHES


def test_similar_papers_are_the_nearest_others_on_both(backends):
    # The finch papers differ by a number in their titles only: any five of the others are nearest.
    for name, service in backends.both():
        similar = [h.paper.paper.id for h in service.similar("2602.00003", limit=5)]
        assert len(similar) == 5 and "2602.00003" not in similar, name
        assert all(paper_id.startswith("2602.") for paper_id in similar), name


def test_hybrid_offers_papers_by_meaning_when_no_paper_holds_the_words(backends):
    for name, service in backends.both():
        results = service.search("zyzzyva quux")
        assert results.closest_by_meaning and results.hits and results.word_matches == 0, name


@pytest.mark.parametrize("query", [
    "graph & | ! : ( ) < * <-> 'quoted' \\ network",
    "!!graph",
    "graph:* | network:A",
    "'; DROP TABLE papers; --",
    "\" OR 1=1 --",
    "𝔤𝔯𝔞𝔭𝔥 ﷽ \u202e graph \u0000 \ud7ff 🙂",
    "network " * 1000,
])
def test_hostile_queries_are_answered_safely_and_bounded(backends, query):
    for mode in ("keyword", "semantic", "hybrid"):
        results = backends.postgres.search(query, mode=mode, limit=200)
        assert len(results.hits) <= 200
        assert len(results.query.raw) <= len(query) and len(" ".join(results.query.terms)) <= MAX_QUERY_CHARS
    with backends.postgres.catalog.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM papers")).scalar_one() == 1503 + FINCHES


def test_a_search_statement_past_its_time_budget_is_cancelled_and_answered_as_overload(backends, monkeypatch):
    """Whatever a query was built to cost, the server stops it: the reader gets 503 and Retry-After."""
    monkeypatch.setattr(postgres_service, "STATEMENT_TIMEOUT_MS", 100)
    with pytest.raises(OperationalError) as cancelled:  # not 10 s later
        with postgres_service.bounded(backends.postgres.catalog) as conn:
            conn.execute(text("SELECT pg_sleep(10)"))
    assert is_overload(cancelled.value)


def arxiv_page(service, query: str, sort_by: str = "relevance", ascending: bool = False, limit: int = 50):
    doc_ids, total = service.field_page(parse_search_query(query), None, sort_by, ascending, 0, limit)
    return [p.paper.id for p in service.catalog.by_doc_ids(doc_ids)], total


@pytest.mark.parametrize("query, expected", [
    ("ti:autoencoder", {"2603.00001", "2603.00002"}),
    ('abs:"sparse autoencoder"', {"2603.00001", "2603.00003"}),
    ('abs:"sparse autoencoder" ANDNOT ti:sparse', {"2603.00003"}),
    ("au:he AND ti:autoencoder", {"2603.00001", "2603.00002"}),
    ('au:"kaiming he"', {"2603.00001"}),
    ("au:muller", {"2603.00003"}),
    ("ti:schrodinger OR id:2603.00002v1", {"2603.00003", "2603.00002"}),
    ("all:matryoshka", {"2603.00003"}),
    ("cat:cs.* AND ti:autoencoder", {"2603.00001", "2603.00002"}),
    ("cat:cs.C* AND ti:autoencoder", {"2603.00002"}),
    ("submittedDate:[20260303 TO 20260304] AND all:sparse", {"2603.00002", "2603.00003"}),
])
def test_the_arxiv_query_api_finds_the_same_papers_on_both(backends, query, expected):
    for name, service in backends.both():
        found, total = arxiv_page(service, query)
        assert set(found) == expected and total == len(expected), (name, query)


def test_the_arxiv_query_api_counts_sorts_and_reverses_alike(backends):
    for name, service in backends.both():
        newest, total = arxiv_page(service, "ti:finches", "submittedDate", limit=FINCHES)
        oldest, _ = arxiv_page(service, "ti:finches", "submittedDate", ascending=True, limit=FINCHES)
        assert total == FINCHES and oldest == newest[::-1], name
        days = [p.paper.published_date or p.paper.listing_date for p in service.catalog.by_doc_ids(
            service.field_page(parse_search_query("ti:finches"), None, "submittedDate", False, 0, 20)[0])]
        assert days == sorted(days, reverse=True), name


def test_hostile_arxiv_queries_are_values_never_sql(backends):
    for query in ("ti:\"'; DROP TABLE papers; --\"", "cat:%", "cat:_*", "au:%_%", 'all:"!:&|<*"'):
        assert arxiv_page(backends.postgres, query) == ([], 0), query
    # tsquery operators are characters like any other: around a word, the word is what is searched
    assert arxiv_page(backends.postgres, 'ti:"!!graph:*"')[1] == arxiv_page(backends.postgres, "ti:graph")[1] > 0
