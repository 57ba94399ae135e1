"""What /metrics reads from the database and the index checkpoint, at each scrape.

A prometheus_client Collector: nothing runs between scrapes (no thread, no timer), and each
figure is one cheap query, so any worker of any node can answer with the deployment's values
(the outbox and the queue are shared; the index lag is this node's own index).
"""

from __future__ import annotations

import logging
import time
from typing import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from paperwire.config import Settings
from paperwire.digest import outbox
from paperwire.search.local.generations import read_state, state_path
from paperwire.store import Catalog

log = logging.getLogger(__name__)

# procrastinate's table (PostgreSQL only); the jobs still to run or running now, by task and
# status: both states are covered by one of its partial indexes, so this never reads the history.
_QUEUED_JOBS = text("SELECT task_name, status::text, count(*) FROM procrastinate_jobs "
                    "WHERE status IN ('todo', 'doing') GROUP BY task_name, status")
_HAS_QUEUE = text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")


class CatalogCollector:
    """The outbox by status, the job queue's depth, and how far this node's index trails the catalog."""

    def __init__(self, settings: Settings, catalog: Catalog):
        self.settings = settings
        self.catalog = catalog

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("paperwire_catalog_up", "1 when the catalog database answered this scrape, else 0")
        try:
            figures = [self._outbox(), *self._queue(), *self._index()]
        except SQLAlchemyError as exc:  # the request metrics are still worth a scrape while the database is away
            log.warning("metrics: the catalog database did not answer: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from figures

    def _outbox(self) -> Metric:
        family = GaugeMetricFamily("paperwire_outbox_messages", "Digests in the outbox by status", labels=["status"])
        for status, count in outbox.counts(self.catalog.engine).items():
            family.add_metric([status], count)
        return family

    def _queue(self) -> list[Metric]:
        engine = self.catalog.engine
        if engine.dialect.name != "postgresql":
            return []  # on SQLite the worker runs its jobs in-process: there is no queue
        with engine.connect() as conn:
            if not conn.execute(_HAS_QUEUE).scalar():
                return []  # no worker has set up the queue yet
            rows = conn.execute(_QUEUED_JOBS).all()
        family = GaugeMetricFamily("paperwire_queue_jobs", "Jobs waiting (todo) or running (doing), by task",
                                   labels=["task", "status"])
        for task, status, count in rows:
            family.add_metric([task, status], count)
        return [family]

    def _index(self) -> list[Metric]:
        if self.settings.search_backend == "postgres":
            return []  # searched inside the catalog database: no local index to trail it
        index_dir = self.settings.index_dir
        state = read_state(index_dir)
        if state is None:
            return []  # no usable local index on this node (yet)
        try:
            written = state_path(index_dir).stat().st_mtime
        except OSError:  # replaced by `paperwire index` between the two reads: the next scrape sees the new one
            return []
        lag = GaugeMetricFamily("paperwire_index_lag_revisions",
                                "Catalog revisions (batches of changed papers) this node's search index has not reached yet")
        lag.add_metric([], max(0, self.catalog.max_revision() - state.revision))
        age = GaugeMetricFamily("paperwire_index_age_seconds",
                                "Seconds since this node's last completed index run wrote its checkpoint")
        age.add_metric([], max(0.0, time.time() - written))
        return [lag, age]
