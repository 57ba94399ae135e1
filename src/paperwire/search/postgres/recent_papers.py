"""What the recommender reads of the catalog when search runs inside PostgreSQL: the stored vectors of
the papers listed in the last RECENT_DAYS (every window For you may ask for), as a VectorIndex in
memory, and their keyword features counted from their titles and abstracts, rows alike.

Read again when older than REFRESH_S, so papers listed since are recommended within that time.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import numpy as np
from sqlalchemy import func, select

from paperwire.rank import keywords
from paperwire.search.embedder import DIMENSIONS
from paperwire.search.local.vectors import VectorIndex
from paperwire.store import Catalog
from paperwire.store.schema import paper_vectors, papers

RECENT_DAYS = 366  # For you's longest window (rank.for_you.MAX_WINDOW_DAYS)
REFRESH_S = 300.0


class RecentVectors(VectorIndex):
    """A VectorIndex held in memory: rows in ascending doc_id order, as an index generation's."""

    def __init__(self, doc_ids: np.ndarray, matrix: np.ndarray):
        self.doc_ids, self.matrix, self.ann = doc_ids, matrix, None


class RecentPapers:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._loaded: tuple[float, RecentVectors, keywords.KeywordFeatures] | None = None
        self._lock = threading.Lock()

    def vectors_and_keywords(self) -> tuple[RecentVectors, keywords.KeywordFeatures]:
        with self._lock:
            if self._loaded is None or time.monotonic() - self._loaded[0] > REFRESH_S:
                self._loaded = (time.monotonic(), *self._read())
            return self._loaded[1], self._loaded[2]

    def _read(self) -> tuple[RecentVectors, keywords.KeywordFeatures]:
        with self.catalog.engine.connect() as conn:
            newest = conn.execute(select(func.max(papers.c.listing_date))).scalar()
            recent = (select(papers.c.doc_id, papers.c.title, papers.c.abstract, paper_vectors.c.vector)
                      .join(paper_vectors, paper_vectors.c.doc_id == papers.c.doc_id)
                      .where(papers.c.deleted.is_(False)).order_by(papers.c.doc_id))
            if newest is not None:
                recent = recent.where(papers.c.listing_date > newest - timedelta(days=RECENT_DAYS))
            rows = conn.execute(recent).all()
        doc_ids = np.array([r.doc_id for r in rows], dtype=np.int64)
        matrix = np.array([r.vector for r in rows], dtype=np.float32).reshape(len(rows), DIMENSIONS)
        counts = keywords.term_counts([keywords.text_of(r) for r in rows])
        return RecentVectors(doc_ids, matrix), keywords.KeywordFeatures.of(counts)
