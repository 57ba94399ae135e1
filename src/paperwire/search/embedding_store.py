"""Stored document embeddings, keyed by doc_id and the hash of the text embedded.

Embedding is the slow step, so vectors outlive the indexes built from them:
``paperwire index --rebuild`` reuses every vector whose text has not changed. They live in
the catalog's ``paper_vectors`` table, so every node and worker of a deployment shares the
ones made once (on any machine, a GPU's included). Each ``put`` commits on its own, so an
interrupted ``paperwire embed`` resumes where it stopped.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from paperwire.store.schema import paper_vectors, papers

# Before 0.5 the vectors were kept in this SQLite file beside the indexes; adopt_legacy_file moves them.
LEGACY_FILE_NAME = "embeddings.sqlite3"
_BATCH = 1000


class EmbeddingStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def close(self) -> None:
        """Nothing to let go of: the catalog's engine is its owner's."""

    def __enter__(self) -> "EmbeddingStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def hashes(self, doc_ids: Sequence[int]) -> dict[int, bytes]:
        found: dict[int, bytes] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(doc_ids), _BATCH):
                query = select(paper_vectors.c.doc_id, paper_vectors.c.text_hash).where(
                    paper_vectors.c.doc_id.in_(chunk))
                found.update((doc_id, bytes(digest)) for doc_id, digest in conn.execute(query))
        return found

    def get(self, doc_ids: Sequence[int]) -> dict[int, tuple[bytes, np.ndarray]]:
        found: dict[int, tuple[bytes, np.ndarray]] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(doc_ids), _BATCH):
                query = select(paper_vectors).where(paper_vectors.c.doc_id.in_(chunk))
                found.update((doc_id, (bytes(digest), vector)) for doc_id, digest, vector in conn.execute(query))
        return found

    def put(self, rows: Iterable[tuple[int, bytes, np.ndarray]]) -> None:
        """Insert or replace (doc_id, text hash, vector) rows in one transaction."""
        values = [{"doc_id": int(d), "text_hash": bytes(h), "vector": v} for d, h, v in rows]
        if not values:
            return
        upsert = self._insert(paper_vectors)
        upsert = upsert.on_conflict_do_update(
            index_elements=[paper_vectors.c.doc_id],
            set_={"text_hash": upsert.excluded.text_hash, "vector": upsert.excluded.vector})
        with self.engine.begin() as conn:
            conn.execute(upsert, values)

    def delete(self, doc_ids: Sequence[int]) -> None:
        with self.engine.begin() as conn:
            for chunk in _chunks(list(doc_ids), _BATCH):
                conn.execute(delete(paper_vectors).where(paper_vectors.c.doc_id.in_(chunk)))

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(paper_vectors)).scalar_one()


def adopt_legacy_file(store: EmbeddingStore, index_dir: Path, progress: bool = True) -> int:
    """Move the vectors an older paperwire kept in ``index_dir/embeddings.sqlite3`` into the
    catalog (those of papers it still holds), then rename the file so this happens once.
    Returns how many were moved."""
    path = Path(index_dir) / LEGACY_FILE_NAME
    if not path.is_file():
        return 0
    from tqdm import tqdm

    with store.engine.connect() as conn:
        known = set(conn.execute(select(papers.c.doc_id)).scalars())
    moved = 0
    with closing(sqlite3.connect(path)) as legacy:
        legacy.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the one file that is renamed
        total = legacy.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        rows = legacy.execute("SELECT doc_id, text_hash, vector FROM embeddings ORDER BY doc_id")
        with tqdm(total=total, unit="vector", desc=f"moving {path.name} into the catalog",
                  disable=not progress) as bar:
            while batch := rows.fetchmany(_BATCH):
                kept = [(d, h, np.frombuffer(v, dtype=np.float16)) for d, h, v in batch if d in known]
                store.put(kept)
                moved += len(kept)
                bar.update(len(batch))
    path.rename(path.with_name(path.name + ".moved"))
    return moved


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
