"""A small per-worker cache of rendered pages and computed values, bounded in size and age.

Anonymous pages are the same for every reader, so a worker renders each URL at most
once per ``max_age_s``; a catalog change shows within that time. Held on app.state.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Hashable


class TTLCache:
    """Least-recently-used entries, fresh for ``max_age_s`` seconds, then stale for
    ``max_stale_s`` more (served while a fresh copy is made), then gone. Thread-safe."""

    def __init__(self, max_entries: int = 512, max_age_s: float = 30.0, max_stale_s: float = 0.0,
                 clock: Callable[[], float] = time.monotonic):
        self.max_entries = max_entries
        self.max_age_s = max_age_s
        self.max_stale_s = max_stale_s
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, key: Hashable) -> tuple[Any, bool] | None:
        """(value, is_fresh), or None when absent or too old even to serve stale."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_at, value = entry
            age = self._clock() - stored_at
            if age > self.max_age_s + self.max_stale_s:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value, age <= self.max_age_s

    def get(self, key: Hashable) -> Any | None:
        """The value while fresh, else None."""
        found = self.lookup(key)
        return found[0] if found and found[1] else None

    def put(self, key: Hashable, value: Any) -> None:
        if self.max_entries <= 0:
            return
        with self._lock:
            self._entries[key] = (self._clock(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
