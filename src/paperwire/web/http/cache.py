"""A small per-worker cache of rendered pages and computed values, bounded in size and age.

Anonymous pages are the same for every reader, so a worker renders each URL at most
once per ``max_age_s``; a catalog change shows within that time. Held on app.state.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Hashable, NamedTuple


class _Entry(NamedTuple):
    stored_at: float
    value: Any
    nbytes: int


class TTLCache:
    """Least-recently-used entries, fresh for ``max_age_s`` seconds, then stale for
    ``max_stale_s`` more (served while a fresh copy is made), then dropped. Thread-safe.

    Bounded by ``max_entries`` and, for values put with their size, by ``max_bytes`` in all:
    the least recently used go first. Entries too old to serve are dropped as they are met,
    and all of them once per lifetime (``max_age_s + max_stale_s``), so URLs never asked
    again do not stay.
    """

    def __init__(self, max_entries: int = 512, max_age_s: float = 30.0, max_stale_s: float = 0.0,
                 max_bytes: int | None = None, clock: Callable[[], float] = time.monotonic):
        self.max_entries = max_entries
        self.max_age_s = max_age_s
        self.max_stale_s = max_stale_s
        self.max_bytes = max_bytes
        self._clock = clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._nbytes = 0
        self._next_sweep = clock() + self._lifetime
        self._lock = threading.Lock()

    @property
    def _lifetime(self) -> float:
        return self.max_age_s + self.max_stale_s

    @property
    def nbytes(self) -> int:
        """The sizes given to :meth:`put` of the entries held now."""
        return self._nbytes

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, key: Hashable) -> tuple[Any, bool] | None:
        """(value, is_fresh), or None when absent or too old even to serve stale."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            age = self._clock() - entry.stored_at
            if age > self._lifetime:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry.value, age <= self.max_age_s

    def get(self, key: Hashable) -> Any | None:
        """The value while fresh, else None."""
        found = self.lookup(key)
        return found[0] if found and found[1] else None

    def put(self, key: Hashable, value: Any, nbytes: int = 0) -> None:
        """Keep ``value``; ``nbytes`` is its size as counted against ``max_bytes``."""
        if self.max_entries <= 0 or (self.max_bytes is not None and nbytes > self.max_bytes):
            return
        with self._lock:
            now = self._clock()
            if key in self._entries:
                self._drop(key)
            self._entries[key] = _Entry(now, value, nbytes)
            self._nbytes += nbytes
            if now >= self._next_sweep:
                self._drop_expired(now)
            while len(self._entries) > self.max_entries or (
                    self.max_bytes is not None and self._nbytes > self.max_bytes):
                self._drop(next(iter(self._entries)))

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any],
                       size: Callable[[Any], int] | None = None) -> Any:
        """The fresh value of ``key``, else ``compute()``'s, kept (counted as ``size(value)`` bytes)."""
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value, nbytes=size(value) if size else 0)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._nbytes = 0

    def _drop(self, key: Hashable) -> None:
        self._nbytes -= self._entries.pop(key).nbytes

    def _drop_expired(self, now: float) -> None:
        for key in [k for k, entry in self._entries.items() if now - entry.stored_at > self._lifetime]:
            self._drop(key)
        self._next_sweep = now + self._lifetime
