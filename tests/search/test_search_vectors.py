"""The compact vector index (IVF-PQ + exact rerank) used for large corpora: filters never starve results."""

import numpy as np
import pytest

from paperwire.search.local import vectors
from paperwire.search.local.vectors import VectorIndex, build_ann


@pytest.fixture(scope="module")
def ann_index(tmp_path_factory):
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((30, 384)).astype(np.float32)
    points = centres[rng.integers(0, 30, 4000)] + 0.3 * rng.standard_normal((4000, 384)).astype(np.float32)
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    doc_ids = np.arange(1, 4001, dtype=np.int64) * 3  # doc ids need not be dense
    directory = tmp_path_factory.mktemp("vectors")
    np.save(directory / "doc_ids.npy", doc_ids)
    np.save(directory / "vectors.npy", points.astype(np.float16))
    import faiss

    faiss.write_index(build_ann(points, doc_ids), str(directory / "ann.faiss"))
    return VectorIndex(directory), points, doc_ids


def test_nearest_neighbours_match_exact_search(ann_index):
    index, points, doc_ids = ann_index
    query = points[17]
    exact = doc_ids[np.argsort(-(points @ query))[:10]]
    found = [doc_id for doc_id, _ in index.search(query, 10)]
    assert found[0] == doc_ids[17]
    assert len(set(found) & set(exact.tolist())) >= 8


@pytest.mark.parametrize("exact_limit", [0, 100_000])
def test_a_one_percent_filter_still_returns_k_matching_papers(ann_index, monkeypatch, exact_limit):
    monkeypatch.setattr(vectors, "FILTER_EXACT_LIMIT", exact_limit)
    index, points, doc_ids = ann_index
    mask = np.zeros(len(doc_ids), dtype=bool)
    mask[::100] = True  # 40 papers, scattered over every cluster
    hits = index.search(points[5], 10, mask)
    assert len(hits) == 10
    assert set(d for d, _ in hits) <= set(doc_ids[mask].tolist())
    best_allowed = doc_ids[mask][np.argmax(points[mask] @ points[5])]
    assert hits[0][0] == best_allowed


def test_rows_of_ignores_unknown_doc_ids(ann_index):
    index, _, doc_ids = ann_index
    assert index.rows_of(np.array([doc_ids[3], 1, 10**9])).tolist() == [3]
