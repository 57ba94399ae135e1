"""Hybrid keyword + semantic search over the catalog, similar papers, and their indexes.

    service = open_search(settings, catalog)  # the backend settings.search_backend names
    results = service.search('matryoshka cat:cs.CL since:2026-01-01 -"sparse autoencoder"')
    build_indexes(settings, catalog)          # incremental; rebuild=True starts over
"""

from paperwire.search.backends import open_search
from paperwire.search.local.indexer import IndexBusy, IndexReport, build_indexes
from paperwire.search.query import ParsedQuery, SearchFilters, parse_query
from paperwire.search.service import Hit, IndexMissing, SearchResults, SearchService

__all__ = [
    "Hit",
    "IndexBusy",
    "IndexMissing",
    "IndexReport",
    "ParsedQuery",
    "SearchFilters",
    "SearchResults",
    "SearchService",
    "build_indexes",
    "open_search",
    "parse_query",
]
