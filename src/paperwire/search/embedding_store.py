"""Stored document embeddings, keyed by doc_id and the hash of the text embedded.

Embedding is the slow step, so vectors outlive the indexes built from them:
``paperwire index --rebuild`` reuses every vector whose text has not changed.
A plain SQLite file beside the indexes (whatever database the catalog uses): each
batch commits on its own, so an interrupted ``paperwire embed`` resumes where it stopped.
Vectors are kept as float16 (half the disk; cosine scores change in the 4th decimal).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

FILE_NAME = "embeddings.sqlite3"
_COUNT = "SELECT count(*) FROM embeddings"


class EmbeddingStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " doc_id INTEGER PRIMARY KEY, text_hash BLOB NOT NULL, vector BLOB NOT NULL)"
        )
        self._conn.commit()

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> "EmbeddingStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def hashes(self, doc_ids: Sequence[int]) -> dict[int, bytes]:
        found: dict[int, bytes] = {}
        for chunk in _chunks(list(doc_ids), 900):
            marks = ",".join("?" * len(chunk))
            for doc_id, digest in self._conn.execute(
                f"SELECT doc_id, text_hash FROM embeddings WHERE doc_id IN ({marks})", chunk
            ):
                found[doc_id] = bytes(digest)
        return found

    def get(self, doc_ids: Sequence[int]) -> dict[int, tuple[bytes, np.ndarray]]:
        found: dict[int, tuple[bytes, np.ndarray]] = {}
        for chunk in _chunks(list(doc_ids), 900):
            marks = ",".join("?" * len(chunk))
            for doc_id, digest, blob in self._conn.execute(
                f"SELECT doc_id, text_hash, vector FROM embeddings WHERE doc_id IN ({marks})", chunk
            ):
                found[doc_id] = (bytes(digest), np.frombuffer(blob, dtype=np.float16).astype(np.float32))
        return found

    def put(self, rows: Iterable[tuple[int, bytes, np.ndarray]]) -> None:
        """Insert or replace (doc_id, text hash, vector) rows in one transaction."""
        with self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO embeddings (doc_id, text_hash, vector) VALUES (?, ?, ?)",
                [(int(d), h, np.asarray(v, dtype=np.float16).tobytes()) for d, h, v in rows],
            )

    def delete(self, doc_ids: Sequence[int]) -> None:
        with self._conn:
            for chunk in _chunks(list(doc_ids), 900):
                self._conn.execute(f"DELETE FROM embeddings WHERE doc_id IN ({','.join('?' * len(chunk))})", chunk)

    def count(self) -> int:
        return self._conn.execute(_COUNT).fetchone()[0]


def stored_count(path: Path) -> int:
    """How many vectors the store at ``path`` holds, read without creating or changing anything."""
    if not Path(path).is_file():
        return 0
    with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute(_COUNT).fetchone()[0]


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]

