"""Stored vectors live in the catalog database, so every node of a deployment uses the ones made once."""

import sqlite3
from contextlib import closing

import numpy as np
import pytest

from paperwire.config import load_settings
from paperwire.search import build_indexes
from paperwire.search.embedder import DIMENSIONS, document_text, text_hash
from paperwire.search.embedding_job import embed_catalog
from paperwire.search.embedding_store import EmbeddingStore
from paperwire.store import open_catalog


@pytest.fixture
def catalog(database_url):
    catalog = open_catalog(database_url)
    yield catalog
    catalog.engine.dispose()


def unit_vector(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(DIMENSIONS).astype(np.float32)
    return vector / np.linalg.norm(vector)


def test_a_stored_vector_reads_back_as_stored_is_replaced_in_place_and_goes_with_its_paper(catalog, new_paper):
    catalog.store([new_paper("2601.00001", "First", "One."), new_paper("2601.00002", "Second", "Two.")])
    first, second = (p.doc_id for p in catalog.by_doc_ids([1, 2]))
    store = EmbeddingStore(catalog.engine)
    store.put([(first, b"hash-1", unit_vector(1)), (second, b"hash-2", unit_vector(2))])

    digest, vector = store.get([first])[first]
    assert digest == b"hash-1" and vector.dtype == np.float32
    assert np.allclose(vector, unit_vector(1), atol=1e-3)  # kept in half precision

    store.put([(first, b"hash-1b", unit_vector(3))])  # the paper's text changed: its vector is remade
    assert store.hashes([first, second]) == {first: b"hash-1b", second: b"hash-2"}
    assert np.allclose(store.get([first])[first][1], unit_vector(3), atol=1e-3) and store.count() == 2

    store.delete([second])
    assert store.count() == 1 and store.get([second]) == {}


def test_a_vector_of_another_width_is_refused_and_nothing_is_stored(catalog, new_paper):
    catalog.store([new_paper("2601.00001", "First", "One.")])
    store = EmbeddingStore(catalog.engine)
    with pytest.raises(Exception, match=f"a stored vector has {DIMENSIONS} dimensions, not \\(12,\\)"):
        store.put([(1, b"hash-1", unit_vector(1)), (1, b"hash-x", np.ones(12))])
    assert store.count() == 0


def test_two_nodes_on_one_postgresql_embed_each_paper_once(postgres_url, tmp_path, fake_embedder, real_papers):
    url = postgres_url
    first_node, second_node = (load_settings(home=tmp_path / home, environ={"PAPERWIRE_DATABASE_URL": url})
                               for home in ("node-1", "node-2"))
    catalog = open_catalog(url)
    catalog.store(real_papers(8))

    assert build_indexes(first_node, catalog, progress=False, embedder=fake_embedder).embedded == 8
    other = open_catalog(url)  # the second machine's own connection to the same database
    report = build_indexes(second_node, other, progress=False, embedder=fake_embedder)
    assert report.papers == 8 and report.embedded == 0 and fake_embedder.embedded == 8
    catalog.engine.dispose()
    other.engine.dispose()


def test_a_home_from_before_keeps_its_vectors_they_move_into_the_catalog_once(settings, fake_embedder, real_papers):
    catalog = open_catalog(settings.catalog_url)
    catalog.store(real_papers(5))
    texts = {p.doc_id: document_text(p.paper) for p in catalog.by_doc_ids(range(1, 6))}
    vectors = fake_embedder.embed(list(texts.values()))
    legacy = settings.index_dir / "embeddings.sqlite3"
    legacy.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(legacy)) as old, old:  # as paperwire up to 0.4 kept them, beside the indexes
        old.execute("CREATE TABLE embeddings (doc_id INTEGER PRIMARY KEY, text_hash BLOB NOT NULL, "
                    "vector BLOB NOT NULL)")
        old.executemany("INSERT INTO embeddings VALUES (?, ?, ?)",
                        [(d, text_hash(t, fake_embedder.max_tokens), v.astype(np.float16).tobytes())
                         for (d, t), v in zip(texts.items(), vectors)]
                        + [(999, b"gone", np.zeros(DIMENSIONS, np.float16).tobytes())])  # a paper since removed
    fake_embedder.embedded = 0

    report = build_indexes(settings, catalog, progress=False, embedder=fake_embedder)
    assert report.papers == 5 and report.embedded == 0  # nothing embedded again
    assert EmbeddingStore(catalog.engine).count() == 5
    assert not legacy.exists() and legacy.with_name("embeddings.sqlite3.moved").exists()
    catalog.engine.dispose()


def test_a_paper_whose_title_or_abstract_changes_loses_its_vector_until_it_is_embedded_again(catalog, new_paper,
                                                                                           fake_embedder):
    catalog.store([new_paper("2601.00001", "First", "One."), new_paper("2601.00002", "Second", "Two.")])
    store = EmbeddingStore(catalog.engine)
    embed_catalog(catalog, store, fake_embedder, progress=False)

    catalog.store([new_paper("2601.00001", "First", "One, in a second version.", version=2),
                   new_paper("2601.00002", "Second", "Two.", version=2)])  # only the first was reworded
    assert set(store.hashes([1, 2])) == {2}
    assert embed_catalog(catalog, store, fake_embedder, progress=False) == 1  # the workers' embed job remakes it
    digest, _ = store.get([1])[1]
    assert digest == text_hash(document_text(catalog.get("2601.00001").paper), fake_embedder.max_tokens)
