"""Search fixtures: one small real index shared by the session, and a fast fake embedder.

The real model (all-MiniLM-L6-v2) embeds only the 40 papers of ``search_index``;
tests about indexing mechanics use ``WordHashEmbedder``, whose vectors are made from
the words of a text, so they run in milliseconds yet still place papers sharing
words near each other.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from importlib.resources import files
from itertools import islice

import numpy as np
import pytest

from paperwire.config import Settings, load_settings
from paperwire.paper import make_paper
from paperwire.search import SearchService, build_indexes
from paperwire.search.embedder import DIMENSIONS
from paperwire.search.query import words
from paperwire.store import Catalog, open_catalog

SAMPLE = files("paperwire") / "sample" / "arxiv-sample.jsonl.gz"


class WordHashEmbedder:
    """Stands in for the model: a text's vector is the normalised sum of its words' random vectors."""

    max_tokens = 128

    def __init__(self) -> None:
        self.embedded = 0

    def embed(self, texts, max_tokens=None) -> np.ndarray:
        self.embedded += len(texts)
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in words(text)[:200]:
                seed = int.from_bytes(hashlib.sha1(word.encode()).digest()[:4], "little")
                out[row] += np.random.default_rng(seed).standard_normal(DIMENSIONS, dtype=np.float32)
            out[row] /= np.linalg.norm(out[row]) or 1.0
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text or " "])[0]


@dataclass
class SearchSetup:
    settings: Settings
    catalog: Catalog
    service: SearchService


def sample_papers(count: int, skip: int = 0) -> list:
    from paperwire.sources import arxiv_jsonl

    with gzip.open(SAMPLE.open("rb")) as stream:
        lines = list(islice(stream, skip, skip + count))
    return [p for p in arxiv_jsonl.parse(iter_bytes(lines), "sample") if hasattr(p, "title")]


def iter_bytes(lines: list[bytes]):
    import io

    return io.BytesIO(b"".join(lines))


def make_test_paper(arxiv_id: str, title: str, abstract: str, **fields):
    fields.setdefault("categories", ["cs.CL"])
    fields.setdefault("source", "test")
    return make_paper(arxiv_id=arxiv_id, title=title, abstract=abstract, **fields)


@pytest.fixture(scope="session")
def search_index(tmp_path_factory) -> SearchSetup:
    """40 real sample papers, indexed once with the real model, shared read-only by tests."""
    home = tmp_path_factory.mktemp("search-home")
    settings = load_settings(home=home, environ={})
    catalog = open_catalog(settings.catalog_url)
    catalog.store(sample_papers(40))
    build_indexes(settings, catalog, progress=False)
    yield SearchSetup(settings, catalog, SearchService(settings, catalog))
    catalog.engine.dispose()


@pytest.fixture
def fake_embedder() -> WordHashEmbedder:
    return WordHashEmbedder()


@pytest.fixture
def new_paper():
    """Builds a Paper for a test: ``new_paper("2601.00001", "Title", "Abstract", categories=[...])``."""
    return make_test_paper


@pytest.fixture
def real_papers():
    """``real_papers(count, skip=0)``: papers from the bundled sample."""
    return sample_papers
