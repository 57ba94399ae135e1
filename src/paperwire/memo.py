"""The most recently used values of something a process works out again and again.

Bounded by count and thread-safe: papers read from the catalog (store.paper_memo), readers'
trained models (rank.for_you), query vectors, rankings of queries and highlighted hits
(search). The web layer's caches also bound bytes and age
(web/http/cache.py); these hold values that never go stale, as their keys say which
version they are of.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, Hashable, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class RecentlyUsed(Generic[Key, Value]):
    """The ``size`` most recently used values by key; the least recently used go first."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[Key, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> Value | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def put(self, key: Key, value: Value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
