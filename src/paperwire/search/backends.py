"""The one place that picks the search backend a setting names: every page, API, command and
digest gets its SearchService from open_search, so none of them knows which one answers."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from paperwire.config import Settings, check_search_backend
from paperwire.search.embedder import Embedder
from paperwire.search.service import SearchService
from paperwire.store import Catalog

def open_search(settings: Settings, catalog: Catalog, embedder: Embedder | None = None) -> SearchService:
    """The search service ``settings.search_backend`` names, over ``catalog``."""
    if check_search_backend(settings) == "postgres":
        from paperwire.search.postgres.service import PostgresSearchService

        return PostgresSearchService(settings, catalog, embedder)
    return SearchService(settings, catalog, embedder)


@dataclass(frozen=True)
class DatabaseIndexReport:
    """What `paperwire index` did for the postgres backend: vectors made, indexes created."""

    embedded: int
    created: tuple[str, ...]
    seconds: float

    def summary(self) -> str:
        made = ", ".join(self.created) if self.created else "none needed (all present)"
        return (f"search runs in PostgreSQL: {self.embedded} papers embedded; indexes created: {made} "
                f"({self.seconds:.1f} s)")


def index_search(settings: Settings, catalog: Catalog, *, rebuild: bool = False, progress: bool = True,
                 embedder: Embedder | None = None):
    """What `paperwire index` does for the backend ``settings`` name: the local indexes built or brought
    up to the catalog; or, for postgres, the missing vectors embedded and the database's indexes created
    (no file is written but the query model, which each node embeds queries with)."""
    if check_search_backend(settings) == "local":
        from paperwire.search.local.indexer import build_indexes

        return build_indexes(settings, catalog, rebuild=rebuild, progress=progress, embedder=embedder)
    from paperwire.search.embedding_job import embed_catalog
    from paperwire.search.embedding_store import EmbeddingStore
    from paperwire.search.postgres.indexes import ensure_indexes
    from paperwire.search.query_encoder import ensure_export, query_model_dir

    started = time.monotonic()
    if embedder is None:
        ensure_export(query_model_dir(settings))
    embedded = embed_catalog(catalog, EmbeddingStore(catalog.engine), embedder or Embedder(), progress=progress)
    created = ensure_indexes(catalog.engine, say=lambda message: _say(progress, message), rebuild=rebuild)
    return DatabaseIndexReport(embedded=embedded, created=tuple(created), seconds=time.monotonic() - started)


def _say(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)
