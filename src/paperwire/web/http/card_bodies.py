"""The rendered parts of a paper's card that are the same for every reader, cached per worker.

A page of 50 cards costs 50 renders of titles, authors and abstract excerpts (math and TeX
included): most of an uncached page's time. Keyed by the paper's revision, which changes
whenever the catalog rewrites the paper, a part is rendered once per worker and reused by
every page, signed in or not; votes and comment counts are rendered around it. A search
hit highlights its own title and excerpt, but shows the card's byline (authors, categories,
date, code), written out in Python (card_byline.py).
"""

from __future__ import annotations

from typing import Callable

from markupsafe import Markup

from paperwire.store.catalog import StoredPaper
from paperwire.web.http.cache import TTLCache

MAX_AGE_S = 3600.0  # a revision never changes its text: the age only returns memory of papers unread


class CardBodies:
    """``render(stored)``, remembered by (doc_id, revision) up to ``max_bytes``."""

    def __init__(self, render: Callable[[StoredPaper], str], max_bytes: int):
        self._render = render
        # Entries are bounded by bytes; the count bound only keeps tiny entries from piling up.
        self._cache = TTLCache(max_entries=max_bytes // 200, max_age_s=MAX_AGE_S, max_bytes=max_bytes)

    def __call__(self, stored: StoredPaper) -> Markup:
        return self._cache.get_or_compute(
            (stored.doc_id, stored.revision),
            lambda: Markup(self._render(stored)), size=len)
