"""Recommender tests' world: the community fixtures (a migrated catalog on SQLite and
PostgreSQL, members, the site's rules) plus real sample papers with their real MiniLM vectors
(the ones shipped with the demo sample) in a real search index.

The papers: the sample's astronomy and computer-science papers of its last three days.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from importlib.resources import as_file, files

import pytest

from community.conftest import add_papers, catalog, db, member, policy, rules  # noqa: F401 (fixtures)
from paperwire.importer import import_files
from paperwire.search import SearchService, build_indexes
from paperwire.search.embedder import DOCUMENT_MAX_TOKENS, Embedder
from paperwire.search.embedding_job import seed_vectors
from paperwire.search.embedding_store import EmbeddingStore
from paperwire.store import Catalog, StoredPaper

SAMPLE = files("paperwire") / "sample"
DAYS = ("2026-06-29", "2026-06-30", "2026-07-01")
PER_DAY = 8  # of each field


def _chosen_lines() -> list[str]:
    taken: dict[tuple[str, str], int] = {}
    chosen = []
    with gzip.open((SAMPLE / "arxiv-sample.jsonl.gz").open("rb"), "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            field = record["categories"][0].split(".")[0]
            key = (record["first_listing_date"], field)
            if key[0] in DAYS and field in ("astro-ph", "cs") and taken.get(key, 0) < PER_DAY:
                taken[key] = taken.get(key, 0) + 1
                chosen.append(line)
    return chosen


@dataclass
class World:
    catalog: Catalog
    search: SearchService

    def papers(self, field: str) -> list[StoredPaper]:
        """The world's papers whose primary category is in ``field`` ("astro-ph", "cs"), oldest first."""
        found = [p for p in self.catalog.by_doc_ids(range(1, 200))
                 if (p.paper.primary_category or "").split(".")[0] == field]
        return sorted(found, key=lambda p: (p.paper.listing_date, p.doc_id))


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    catalog = Catalog(db)
    subset = tmp_path / "subset.jsonl"
    subset.write_text("".join(_chosen_lines()), "utf-8")
    import_files(catalog, [subset], progress=False)
    with as_file(SAMPLE / "arxiv-sample.vectors.npz") as bundle, \
            EmbeddingStore(db) as store:
        assert seed_vectors(catalog, store, bundle, DOCUMENT_MAX_TOKENS) == catalog.count()
    embedder = Embedder()  # never loads the model: every paper has its vector already
    build_indexes(settings, catalog, rebuild=True, progress=False, embedder=embedder)
    return World(catalog, SearchService(settings, catalog, embedder=embedder))
