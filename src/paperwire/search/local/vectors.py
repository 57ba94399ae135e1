"""Nearest-neighbour search over paper vectors: exact for small corpora, compact ANN for large ones.

Up to ``EXACT_LIMIT`` papers the float32 matrix sits in memory and one matrix-vector
product is both exact and fastest. Above it, a faiss IVF-PQ index holds 48 bytes of
code per paper (plus 8 of id) in memory; its top ``RERANK`` candidates are rescored
exactly from the float16 vectors read from disk by offset (``preadv``), so they use the
OS page cache rather than this process's memory.

Filters arrive as a row mask. A mask that keeps few rows is scored exactly; a wider
one restricts the IVF scan to its rows (a faiss ID selector) and probes more lists in
proportion, so a filtered query still finds its k best matches.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

EXACT_LIMIT = 20_000
FILTER_EXACT_LIMIT = 3_000  # a mask keeping this few rows is scored exactly from disk
RERANK = 200
NPROBE = 24
PQ_BYTES = 48


class VectorIndex:
    """Vectors of one index generation; rows are in ``doc_ids`` order (ascending doc_id)."""

    def __init__(self, directory: Path):
        self.doc_ids: np.ndarray = np.load(directory / "doc_ids.npy")
        self._vectors_path = directory / "vectors.npy"
        ann_path = directory / "ann.faiss"
        self.ann = None
        self.matrix: np.ndarray | None = None
        if ann_path.exists():
            import faiss

            self.ann = faiss.read_index(str(ann_path))
            self.ann.nprobe = NPROBE
            self._fd = os.open(self._vectors_path, os.O_RDONLY)
            self._data_offset = _npy_data_offset(self._vectors_path)
        else:
            self.matrix = np.load(self._vectors_path).astype(np.float32)

    def close(self) -> None:
        if self.ann is not None:
            os.close(self._fd)

    def __len__(self) -> int:
        return len(self.doc_ids)

    def rows_of(self, doc_ids: np.ndarray) -> np.ndarray:
        """Rows of these doc ids (ids not in the index left out)."""
        doc_ids = np.asarray(doc_ids, dtype=np.int64)
        rows = np.searchsorted(self.doc_ids, doc_ids)
        rows = np.clip(rows, 0, max(len(self.doc_ids) - 1, 0))
        return rows[(len(self.doc_ids) > 0) & (self.doc_ids[rows] == doc_ids)] if len(self.doc_ids) else rows[:0]

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        if self.matrix is not None:
            return self.matrix[rows]
        out = np.empty((len(rows), DIMENSIONS), dtype=np.float16)
        width = DIMENSIONS * 2
        for target, row in zip(out, np.asarray(rows).tolist()):  # read in place: half the time of pread's bytes
            os.preadv(self._fd, [target], self._data_offset + row * width)
        return out.astype(np.float32)

    def search(self, query: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(doc_id, cosine) of the ``k`` nearest papers among rows where ``mask`` is true."""
        if len(self) == 0 or k <= 0:
            return []
        query = np.asarray(query, dtype=np.float32)
        if self.matrix is not None:
            if mask is None:
                return self._top(np.arange(len(self)), self.matrix @ query, k)
            rows = np.flatnonzero(mask)
            return self._top(rows, self.matrix[rows] @ query, k)
        kept = len(self) if mask is None else int(mask.sum())
        if kept == 0:
            return []
        if mask is not None and kept <= FILTER_EXACT_LIMIT:
            rows = np.flatnonzero(mask)
            return self._top(rows, self.vectors(rows) @ query, k)
        return self._ann_search(query, k, mask, kept)

    def _ann_search(self, query: np.ndarray, k: int, mask: np.ndarray | None, kept: int) -> list[tuple[int, float]]:
        import faiss

        wanted = max(k, RERANK)
        params = None
        if mask is not None:
            # Probe more lists when fewer rows qualify, so as many candidates are found.
            nprobe = min(self.ann.nlist, math.ceil(NPROBE * len(self) / kept))
            bitmap = np.packbits(_doc_id_bitmap(self.doc_ids[mask], int(self.doc_ids[-1]) + 1), bitorder="little")
            params = faiss.SearchParametersIVF(sel=faiss.IDSelectorBitmap(len(bitmap) * 8, faiss.swig_ptr(bitmap)),
                                               nprobe=nprobe)
        _, ids = self.ann.search(query.reshape(1, -1), wanted, params=params)
        candidates = ids[0][ids[0] >= 0]
        rows = np.sort(self.rows_of(candidates))
        return self._top(rows, self.vectors(rows) @ query, k)

    def _top(self, rows: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        if len(rows) > k:
            best = np.argpartition(-scores, k - 1)[:k]
        else:
            best = np.arange(len(rows))
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(self.doc_ids[rows[i]]), float(scores[i])) for i in best]


DIMENSIONS = 384


def build_ann(vectors: np.ndarray, doc_ids: np.ndarray, previous=None, removed: np.ndarray | None = None):
    """An IVF-PQ index over ``vectors`` labelled by doc id; reuses ``previous``'s training when given.

    With ``previous``, only ``removed`` ids are dropped and the given vectors added: a daily
    batch does not retrain or re-add the rest.
    """
    import faiss

    if previous is not None:
        if removed is not None and len(removed):
            previous.remove_ids(faiss.IDSelectorBatch(np.asarray(removed, dtype=np.int64)))
        if len(vectors):
            previous.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(doc_ids, dtype=np.int64))
        return previous
    count = len(vectors)
    nlist = int(min(4096, max(64, 4 * math.sqrt(count))))
    quantizer = faiss.IndexFlatIP(DIMENSIONS)
    index = faiss.IndexIVFPQ(quantizer, DIMENSIONS, nlist, PQ_BYTES, 8, faiss.METRIC_INNER_PRODUCT)
    index.by_residual = False  # one lookup table per query, whatever number of lists is probed
    rng = np.random.default_rng(0)
    sample = vectors[rng.choice(count, size=min(count, max(nlist * 40, 50_000)), replace=False)]
    index.train(np.ascontiguousarray(sample, dtype=np.float32))
    for start in range(0, count, 100_000):
        index.add_with_ids(np.ascontiguousarray(vectors[start:start + 100_000], dtype=np.float32),
                           np.asarray(doc_ids[start:start + 100_000], dtype=np.int64))
    return index


def _doc_id_bitmap(doc_ids: np.ndarray, size: int) -> np.ndarray:
    bits = np.zeros(size, dtype=bool)
    bits[doc_ids] = True
    return bits


def _npy_data_offset(path: Path) -> int:
    return int(np.load(path, mmap_mode="r").offset)
