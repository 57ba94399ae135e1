"""Papers this process has read, kept by (doc_id, revision): a page reads the same few hundred
again and again, and turning a row into a Paper (its JSON columns, some thirty fields) was a
third of reading it.

A revision never changes its text, so a remembered Paper is never stale: a rewritten paper has
a new revision and is read afresh. The numbers that change without a new revision (votes,
comments, trending) are not remembered; every read takes them from the row. One memo per
engine, so every Catalog over it shares it.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from sqlalchemy import Engine

from paperwire.paper import Paper

PAPERS_REMEMBERED = 4096  # ~4 KB each with their display texts: ~16 MB a process at most


class PaperMemo:
    """The least recently read ``size`` papers, by (doc_id, revision). Thread-safe."""

    def __init__(self, size: int = PAPERS_REMEMBERED):
        self.size = size
        self._papers: OrderedDict[tuple[int, int], Paper] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, doc_id: int, revision: int) -> Paper | None:
        with self._lock:
            paper = self._papers.get((doc_id, revision))
            if paper is not None:
                self._papers.move_to_end((doc_id, revision))
            return paper

    def put(self, doc_id: int, revision: int, paper: Paper) -> None:
        with self._lock:
            self._papers[(doc_id, revision)] = paper
            self._papers.move_to_end((doc_id, revision))
            while len(self._papers) > self.size:
                self._papers.popitem(last=False)


_MEMOS: "weakref.WeakKeyDictionary[Engine, PaperMemo]" = weakref.WeakKeyDictionary()
_MEMOS_LOCK = threading.Lock()


def paper_memo(engine: Engine) -> PaperMemo:
    """The memo of papers read through ``engine`` (made on first use, gone with the engine)."""
    with _MEMOS_LOCK:
        memo = _MEMOS.get(engine)
        if memo is None:
            memo = _MEMOS[engine] = PaperMemo()
        return memo
