"""The rendered part of a paper's card that is the same for every reader, cached per worker.

A page of 50 cards costs 50 renders of titles, authors and abstract excerpts (math and TeX
included): most of an uncached page's time. Keyed by the paper's revision, which changes
whenever the catalog rewrites the paper, a body is rendered once per worker and reused by
every page, signed in or not; votes and comment counts are rendered around it.
"""

from __future__ import annotations

from jinja2 import Environment
from markupsafe import Markup

from paperwire.store.catalog import StoredPaper
from paperwire.web.http.cache import TTLCache

MAX_BYTES = 16_000_000  # ~15,000 cards of ~1 KB
MAX_AGE_S = 3600.0  # a revision never changes its text: the age only returns memory of papers unread


class CardBodies:
    def __init__(self, env: Environment, max_bytes: int = MAX_BYTES):
        self._env = env
        self._cache = TTLCache(max_entries=max_bytes // 200, max_age_s=MAX_AGE_S, max_bytes=max_bytes)

    def __call__(self, stored: StoredPaper) -> Markup:
        return self._cache.get_or_compute(
            (stored.doc_id, stored.revision),
            lambda: Markup(self._env.get_template("_card_body.html").render(sp=stored)), size=len)
