"""Keeping the indexes in step with the catalog: incremental runs, deletions, crashes, rebuilds.

These use a word-hash stand-in for the model, so the mechanics run in milliseconds.
"""

from datetime import date

import pytest
from sqlalchemy import update

from paperwire.paper import DeletedRecord
from paperwire.search import SearchFilters, SearchService, build_indexes
from paperwire.search.local import indexer
from paperwire.store.schema import papers


def index(settings, catalog, embedder, **kwargs):
    return build_indexes(settings, catalog, progress=False, embedder=embedder, **kwargs)


def found(service, text, **kwargs):
    return [hit.paper.paper.id for hit in service.search(text, limit=50, **kwargs).hits]


@pytest.fixture
def indexed(settings, catalog, fake_embedder, real_papers):
    catalog.store(real_papers(20))
    index(settings, catalog, fake_embedder)
    return SearchService(settings, catalog, embedder=fake_embedder)


def test_a_daily_batch_is_added_without_re_embedding_the_rest(settings, catalog, fake_embedder, indexed, real_papers):
    catalog.store(real_papers(5, skip=20))
    fake_embedder.embedded = 0
    report = index(settings, catalog, fake_embedder)
    assert (report.changed, report.embedded, report.papers, report.rebuilt) == (5, 5, 25, False)
    new_title = real_papers(1, skip=20)[0].title
    assert real_papers(1, skip=20)[0].id in found(indexed, new_title)  # the running service sees it


def test_a_query_asked_again_is_not_ranked_again_but_shows_the_papers_as_they_are_now(
        catalog, indexed, real_papers, monkeypatch):
    title = real_papers(1)[0].title
    first = indexed.search(title, limit=3)
    monkeypatch.setattr(indexed, "rank", lambda *args, **kwargs: pytest.fail("the query was ranked again"))
    doc_id = first.hits[0].paper.doc_id
    with catalog.engine.begin() as conn:  # a vote since: the page shows it
        conn.execute(update(papers).where(papers.c.doc_id == doc_id).values(votes=papers.c.votes + 7))
    again = indexed.search(title, limit=3)
    assert [hit.paper.doc_id for hit in again.hits] == [hit.paper.doc_id for hit in first.hits]
    assert again.hits[0].paper.votes == first.hits[0].paper.votes + 7
    assert again.hits[0].snippet_html == first.hits[0].snippet_html


def test_a_papers_neighbours_asked_again_are_not_looked_for_again(indexed, real_papers, monkeypatch):
    paper_id = real_papers(1)[0].id
    first = indexed.similar(paper_id, limit=3)
    monkeypatch.setattr(indexed, "_nearest", lambda *args, **kwargs: pytest.fail("the neighbours were searched again"))
    assert [hit.paper.doc_id for hit in indexed.similar(paper_id, limit=3)] == [hit.paper.doc_id for hit in first]


def test_a_run_with_nothing_new_changes_nothing(settings, catalog, fake_embedder, indexed):
    report = index(settings, catalog, fake_embedder)
    assert (report.changed, report.embedded, report.papers) == (0, 0, 20)


def test_updated_papers_are_replaced_and_deleted_ones_removed(settings, catalog, fake_embedder, indexed, new_paper):
    catalog.store([new_paper("2601.00001", "Quantum walrus navigation", "Walruses navigate by quantum effects.")])
    index(settings, catalog, fake_embedder)
    assert found(indexed, "walrus", mode="keyword") == ["2601.00001"]

    catalog.store([new_paper("2601.00001", "Classical penguin navigation", "Penguins use the sun.", version=2)])
    index(settings, catalog, fake_embedder)
    assert found(indexed, "walrus") == [] or "2601.00001" not in found(indexed, "walrus", mode="keyword")
    assert found(indexed, "penguin", mode="keyword") == ["2601.00001"]
    assert found(indexed, "penguin navigation").count("2601.00001") == 1

    catalog.store([DeletedRecord(arxiv_id="2601.00001")])
    report = index(settings, catalog, fake_embedder)
    assert report.removed == 1 and report.papers == 20
    assert "2601.00001" not in found(indexed, "penguin navigation")


def test_a_crash_mid_run_is_repaired_by_the_next_run(settings, catalog, fake_embedder, indexed, real_papers,
                                                      monkeypatch):
    catalog.store(real_papers(5, skip=20))

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed after the keyword index committed")

    with monkeypatch.context() as patch:
        patch.setattr(indexer, "_write_generation", killed)
        with pytest.raises(KeyboardInterrupt):
            index(settings, catalog, fake_embedder)

    report = index(settings, catalog, fake_embedder)
    assert report.papers == 25 and report.embedded == 0  # vectors made before the crash were kept
    everything = indexed.search("", limit=100)
    listed = [hit.paper.paper.id for hit in everything.hits]
    assert everything.total == 25 and len(listed) == len(set(listed)) == 25
    for paper in real_papers(5, skip=20):
        assert found(indexed, paper.title, mode="keyword").count(paper.id) == 1


def test_leftovers_of_a_killed_run_are_cleaned_up(settings, catalog, fake_embedder, indexed):
    (settings.index_dir / "vectors-000099.partial").mkdir()
    (settings.index_dir / "state.json.tmp").write_text("{half")
    index(settings, catalog, fake_embedder)
    assert not (settings.index_dir / "vectors-000099.partial").exists()


def test_rebuild_recreates_indexes_from_the_catalog_reusing_stored_vectors(settings, catalog, fake_embedder, indexed):
    fake_embedder.embedded = 0
    (settings.index_dir / "state.json").write_text("not json")  # unusable: treated as missing
    report = index(settings, catalog, fake_embedder, rebuild=True)
    assert report.rebuilt and report.papers == 20 and report.embedded == 0
    assert len(indexed.search("", limit=100).hits) == 20


def test_date_filters_use_listing_date_or_published_date(settings, catalog, fake_embedder, new_paper):
    catalog.store([
        new_paper("2601.00010", "Old lattice paper", "Lattice gauge theory.", listing_date=date(2025, 5, 1)),
        new_paper("2601.00011", "New lattice paper", "Lattice gauge theory.", listing_date=date(2026, 2, 1)),
        new_paper("2601.00012", "Undated lattice paper", "Lattice gauge theory.", published_date=date(2026, 3, 1)),
    ])
    index(settings, catalog, fake_embedder)
    service = SearchService(settings, catalog, embedder=fake_embedder)
    for mode in ("hybrid", "keyword", "semantic"):
        assert sorted(found(service, "lattice since:2026-01-01", mode=mode)) == ["2601.00011", "2601.00012"]
        assert found(service, "lattice", mode=mode, filters=SearchFilters(until=date(2025, 12, 31))) == ["2601.00010"]


def test_has_code_and_author_filters(settings, catalog, fake_embedder, new_paper):
    catalog.store([
        new_paper("2601.00020", "Graph networks", "Code at https://github.com/x/y.", authors=["Kaiming He"]),
        new_paper("2601.00021", "Graph networks again", "No code here.", authors=["Ada Lovelace", "Kaiming He"]),
        new_paper("2601.00022", "Graph networks thrice", "Nothing.", authors=["Ada Lovelace"]),
    ])
    index(settings, catalog, fake_embedder)
    service = SearchService(settings, catalog, embedder=fake_embedder)
    assert found(service, "graph", filters=SearchFilters(has_code=True)) == ["2601.00020"]
    assert sorted(found(service, 'graph author:"kaiming he"')) == ["2601.00020", "2601.00021"]
    assert sorted(found(service, "author:Lovelace")) == ["2601.00021", "2601.00022"]


def test_a_running_service_follows_a_rebuild(settings, catalog, fake_embedder, indexed, new_paper):
    assert found(indexed, "walrus", mode="keyword") == []
    catalog.store([new_paper("2601.00030", "Walrus migration", "Walruses migrate north.")])
    index(settings, catalog, fake_embedder, rebuild=True)
    assert found(indexed, "walrus", mode="keyword") == ["2601.00030"]
    assert len(list((settings.index_dir).glob("keyword-*"))) == 1  # the replaced index is gone


def test_an_interrupted_rebuild_keeps_serving_the_old_index(settings, catalog, fake_embedder, indexed, monkeypatch):
    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing vectors")

    with monkeypatch.context() as patch:
        patch.setattr(indexer, "_write_generation", killed)
        with pytest.raises(KeyboardInterrupt):
            index(settings, catalog, fake_embedder, rebuild=True)
    assert indexed.search("", limit=100).total == 20  # still answering from the previous generation

    report = index(settings, catalog, fake_embedder)
    assert report.papers == 20
    assert len(list(settings.index_dir.glob("keyword-*"))) == 1  # the half-built one was removed
