"""A web node's own indexes follow a shared catalog with the vectors workers stored, never embedding."""

import dataclasses

import pytest

from paperwire.config import load_settings
from paperwire.search import SearchService
from paperwire.search.embedding_job import embed_catalog
from paperwire.search.embedding_store import EmbeddingStore
from paperwire.search.local.follower import CatalogFollower, follows_catalog
from paperwire.search.local.generations import read_state
from paperwire.store import open_catalog


class NoEmbedding:
    """A node's stand-in for the model: following the catalog must never call it."""

    max_tokens = 128

    def embed(self, texts, max_tokens=None):
        raise AssertionError("a following node embedded a paper")

    embed_query = embed


@pytest.fixture
def shared(postgres_catalog):
    return postgres_catalog


@pytest.fixture
def node(shared, tmp_path):
    return load_settings(home=tmp_path / "node", environ={"PAPERWIRE_DATABASE_URL": shared.engine.url.render_as_string(
        hide_password=False)})


def searchable(settings, catalog) -> set[str]:
    service = SearchService(settings, catalog, embedder=NoEmbedding())
    return {hit.paper.paper.id for hit in service.search("", limit=100).hits}


def test_a_node_indexes_what_the_workers_embedded_and_waits_for_the_rest(shared, node, fake_embedder, real_papers,
                                                                         monkeypatch):
    papers = real_papers(6)
    shared.store(papers[:3])
    embed_catalog(shared, EmbeddingStore(shared.engine), fake_embedder, progress=False)  # a worker's embed job
    follower = CatalogFollower(node, shared)
    monkeypatch.setattr("paperwire.search.local.indexer.Embedder", NoEmbedding)
    follower.follow_once()
    assert searchable(node, shared) == {p.id for p in papers[:3]}

    shared.store(papers[3:])  # imported, not embedded yet: the node waits for their vectors
    follower.follow_once()
    assert searchable(node, shared) == {p.id for p in papers[:3]}

    embed_catalog(shared, EmbeddingStore(shared.engine), fake_embedder, progress=False)
    follower.follow_once()
    assert searchable(node, shared) == {p.id for p in papers}
    assert read_state(node.index_dir).revision == shared.max_revision()


def test_a_paper_waiting_for_its_vector_holds_back_only_the_changes_after_it(shared, node, fake_embedder,
                                                                            real_papers, monkeypatch):
    first, second, third = real_papers(3)
    for paper in (first, second, third):  # three imports, three revisions
        shared.store([paper])
    store = EmbeddingStore(shared.engine)
    embed_catalog(shared, store, fake_embedder, progress=False)
    waiting = next(p for batch in shared.changed_since(0) for p in batch if p.paper.id == second.id)
    store.delete([waiting.doc_id])  # its worker was killed before storing it

    monkeypatch.setattr("paperwire.search.local.indexer.Embedder", NoEmbedding)
    CatalogFollower(node, shared).follow_once()
    assert searchable(node, shared) == {first.id}  # the third waits behind the second, in revision order
    assert read_state(node.index_dir).revision == waiting.revision - 1


def test_only_nodes_of_a_shared_catalog_follow_it(settings, node, shared):
    assert follows_catalog(node, shared)
    assert not follows_catalog(dataclasses.replace(node, index_follow_seconds=0), shared)
    assert not follows_catalog(dataclasses.replace(node, search_backend="postgres"), shared)  # no local indexes
    sqlite_catalog = open_catalog(settings.catalog_url)
    assert not follows_catalog(settings, sqlite_catalog)  # one machine: its worker updates the indexes
    sqlite_catalog.engine.dispose()
