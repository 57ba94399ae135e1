"""A paper's feed item (RSS ``<item>``, Atom ``<entry>``), serialised once per revision per worker.

Building fifty items with lxml (and cleaning every title, abstract and author name on the way)
was most of a feed's time, and an item is the same in every feed that lists the paper and for
every reader. Keyed by the paper's revision, which changes whenever the catalog rewrites it;
a feed document is its head with the cached items spliced in.
"""

from __future__ import annotations

from typing import Callable

from lxml import etree

from paperwire.store.catalog import StoredPaper
from paperwire.web.http.cache import TTLCache

MAX_BYTES = 16_000_000  # ~8,000 items of ~2 KB
MAX_AGE_S = 3600.0  # a revision never changes its text: the age only returns memory of papers unread


class FeedEntries:
    def __init__(self, max_bytes: int = MAX_BYTES):
        self._cache = TTLCache(max_entries=max_bytes // 500, max_age_s=MAX_AGE_S, max_bytes=max_bytes)

    def __call__(self, kind: str, stored: StoredPaper, build: Callable[[StoredPaper], etree._Element]) -> bytes:
        """The serialised item of ``stored`` for feeds of ``kind`` ("rss" or "atom"), made by ``build``."""
        return self._cache.get_or_compute(
            (kind, stored.doc_id, stored.revision),
            lambda: etree.tostring(build(stored), encoding="utf-8", pretty_print=True), size=len)
