"""Writing composed digests into the outbox, on a thread beside the composer.

A digest is written with the papers it lists in the same transaction, BATCH digests to a
transaction (a commit cost half a millisecond each): a crash loses at most the few composed
since the last write, which nothing has sent and the next run composes again. The outbox's
unique key (subscription, kind, period) keeps every digest single: one another composer
wrote first is left out of its batch, the rest still written.

SQLite lets one connection write at a time, and a commit now and then copies the log into the
database (a checkpoint). A composer that waited for either would stop composing meanwhile; the
thread waits instead (sqlite3 lets go of the GIL while it waits and writes).
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite

from paperwire.community.writes import inserted_key
from paperwire.digest.schedule import Period
from paperwire.digest.sections import Section
from paperwire.digest.subscriptions import Subscription
from paperwire.store.reader_schema import digest_papers, outbox

BATCH = 20  # digests written in one transaction
WAITING_BATCHES = 2  # composed batches waiting to be written, at most: the composer waits past it


@dataclass(frozen=True)
class Ready:
    """A composed digest, not yet written."""

    summary: object  # what the composer reports once it is written (compose.Composed)
    subscription: Subscription
    period: Period
    message_id: str
    message: str
    sections: list[Section]


@dataclass
class OutboxWriter:
    """Takes composed digests and writes them, a batch at a time, on its own thread. Use it as a
    context manager: leaving it writes what is left and waits for the thread; a write that
    failed raises there (or at the next ``add``)."""

    db: Engine
    now: datetime
    written: list = field(default_factory=list)  # the summaries of the digests written
    already: int = 0  # left out: their period's digest was there already (another composer was first)
    _batch: list[Ready] = field(default_factory=list)
    _queue: queue.Queue = field(default_factory=lambda: queue.Queue(maxsize=WAITING_BATCHES))
    _failed: BaseException | None = None

    def __enter__(self) -> "OutboxWriter":
        self._thread = threading.Thread(target=self._write_batches, name="digest-writer", daemon=True)
        self._thread.start()
        return self

    def add(self, digest: Ready) -> None:
        self._raise_failure()
        self._batch.append(digest)
        if len(self._batch) == BATCH:
            self._queue.put(self._batch)
            self._batch = []

    def __exit__(self, *_exc) -> None:
        if self._batch:
            self._queue.put(self._batch)
        self._queue.put(None)
        self._thread.join()
        self._raise_failure()

    def _raise_failure(self) -> None:
        if self._failed is not None:
            raise self._failed

    def _write_batches(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._failed is None:  # after a failure, batches are only taken off (the composer may be waiting)
                try:
                    self._write(batch)
                except BaseException as error:  # raised in the composer's thread
                    self._failed = error

    def _write(self, batch: list[Ready]) -> None:
        written, already = [], 0
        with self.db.begin() as conn:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            for digest in batch:
                subscription, period = digest.subscription, digest.period
                new = inserted_key(conn, outbox, {
                    "subscription_id": subscription.id, "kind": period.kind, "period_key": period.key,
                    "to_address": subscription.email, "message_id": digest.message_id, "message": digest.message,
                    "status": "pending", "attempts": 0, "next_attempt_at": self.now, "created_at": self.now})
                if new is None:
                    already += 1
                    continue
                (outbox_id,) = new
                # DO NOTHING: a paper another period's composer recorded for this reader meanwhile stays its.
                conn.execute(dialect.insert(digest_papers).on_conflict_do_nothing(), [
                    {"subscription_id": subscription.id, "doc_id": listed.paper.doc_id, "outbox_id": outbox_id,
                     "section": section.name} for section in digest.sections for listed in section.papers])
                written.append(digest.summary)
        self.written += written  # counted once committed
        self.already += already
