"""The reader tests run on the community's fixtures: a migrated catalog on SQLite and
PostgreSQL, the site's rules, members made through the accounts layer, and papers; and on a
real search index of them."""

from __future__ import annotations

import numpy as np
import pytest
from community.conftest import add_papers, catalog, db, member, policy, rules  # noqa: F401 (fixtures)

from paperwire.search import SearchService, build_indexes
from paperwire.search.embedder import DIMENSIONS


class OneDirection:
    """Stands in for the model: every text points the same way. Saved searches match by words,
    so meaning never decides what they find, and indexing takes milliseconds."""

    max_tokens = 128

    def embed(self, texts, max_tokens=None) -> np.ndarray:
        return np.full((len(texts), DIMENSIONS), DIMENSIONS ** -0.5, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


@pytest.fixture
def indexed(settings, catalog):
    """``indexed()``: index the catalog as it stands and answer the site's SearchService."""

    def build() -> SearchService:
        embedder = OneDirection()
        build_indexes(settings, catalog, progress=False, embedder=embedder)
        return SearchService(settings, catalog, embedder=embedder)

    return build
