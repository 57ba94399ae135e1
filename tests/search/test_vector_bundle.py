"""Shipped vectors: a home seeded from an exported vector file indexes without embedding."""

import dataclasses

from paperwire.config import load_settings
from paperwire.search import build_indexes
from paperwire.search.embedding_job import export_vectors, seed_vectors
from paperwire.search.embedding_store import EmbeddingStore
from paperwire.store import open_catalog


def test_exported_vectors_seed_another_home_so_indexing_embeds_nothing(tmp_path, settings, catalog,
                                                                       fake_embedder, real_papers):
    papers = real_papers(12)
    catalog.store(papers)
    build_indexes(settings, catalog, progress=False, embedder=fake_embedder)
    bundle = tmp_path / "vectors.npz"
    with EmbeddingStore(catalog.engine) as store:
        assert export_vectors(catalog, store, bundle, fake_embedder.max_tokens) == 12

    other = load_settings(home=tmp_path / "other", environ={})
    other_catalog = open_catalog(other.catalog_url)
    edited = dataclasses.replace(papers[0], abstract="A different abstract altogether.")
    other_catalog.store([edited, *papers[1:]])
    with EmbeddingStore(other_catalog.engine) as store:
        assert seed_vectors(other_catalog, store, bundle, fake_embedder.max_tokens) == 11

    fake_embedder.embedded = 0
    build_indexes(other, other_catalog, progress=False, embedder=fake_embedder)
    assert fake_embedder.embedded == 1  # only the paper whose text changed
    other_catalog.engine.dispose()
