"""A web node's own search indexes, kept within ``index_follow_seconds`` of a shared catalog.

Several nodes around one PostgreSQL each keep local indexes (the default search backend).
Workers store every paper's vector in the catalog once; each node applies the changes since
the revision it has reached, with those vectors, and never embeds. The workers of one node
share its home: whichever takes the index lock first does the work, the others skip the turn.
"""

from __future__ import annotations

import logging
import threading

from paperwire.config import Settings
from paperwire.search.local.indexer import IndexBusy, build_indexes
from paperwire.store import Catalog
from paperwire.store.db import is_sqlite

log = logging.getLogger(__name__)


def follows_catalog(settings: Settings, catalog: Catalog) -> bool:
    """Whether this node should follow: its own (local) indexes of a shared (PostgreSQL) catalog,
    and a period set. On SQLite, one machine, its worker updates the indexes after each harvest;
    with search_backend "postgres" there are no local indexes to keep."""
    return (settings.index_follow_seconds > 0 and settings.search_backend == "local"
            and not is_sqlite(catalog.engine))


class CatalogFollower:
    def __init__(self, settings: Settings, catalog: Catalog):
        self.settings, self.catalog = settings, catalog
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-follower", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=60)  # a pass under way finishes (it is crash-safe if it cannot)

    def follow_once(self) -> None:
        try:
            report = build_indexes(self.settings, self.catalog, progress=False, embed=False)
        except IndexBusy:
            return  # another worker of this node (or `paperwire index`) is at it
        if report.changed or report.removed:
            log.info("following the catalog: %s", report.summary())

    def _run(self) -> None:
        while not self._stopping.wait(self.settings.index_follow_seconds):
            try:
                self.follow_once()
            except Exception:  # the node keeps serving what it has; the next turn tries again
                log.exception("following the catalog failed; trying again in %s s",
                              self.settings.index_follow_seconds)
