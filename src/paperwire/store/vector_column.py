"""The column type of stored embeddings: numpy in, numpy (float32) out, on either database.

PostgreSQL keeps them as pgvector ``halfvec`` (so the server itself can search them, with an
HNSW index); SQLite as the same float16 values in a BLOB. Half precision halves the disk
and changes cosine scores only in the 4th decimal.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator


class HalfVector(TypeDecorator):
    impl = LargeBinary
    cache_ok = True

    def __init__(self, dimensions: int):
        super().__init__()
        self.dimensions = dimensions

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            from pgvector.sqlalchemy import HALFVEC

            return dialect.type_descriptor(HALFVEC(self.dimensions))
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        vector = np.asarray(value, dtype=np.float16)
        if vector.shape != (self.dimensions,):
            raise ValueError(f"a stored vector has {self.dimensions} dimensions, not {vector.shape}")
        return vector if dialect.name == "postgresql" else vector.tobytes()

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "postgresql":  # pgvector's HALFVEC already read it as a list of floats
            return np.asarray(value, dtype=np.float32)
        return np.frombuffer(value, dtype=np.float16).astype(np.float32)
