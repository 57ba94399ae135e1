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

from sqlalchemy import Engine

from paperwire.memo import RecentlyUsed
from paperwire.paper import Paper

# ~7.5 KB each with their display texts and pieces: ~120 MB a process at most. Random two-word
# searches on the 88k catalog meet 24k distinct papers in 4,000 queries: 4,096 remembered served
# 28% of their hits, 16,384 66% (a search with its 20 hits: 10.3 -> 8.8 ms in-process).
PAPERS_REMEMBERED = 16384

PaperMemo = RecentlyUsed[tuple[int, int], Paper]  # by (doc_id, revision)

_MEMOS: "weakref.WeakKeyDictionary[Engine, PaperMemo]" = weakref.WeakKeyDictionary()
_MEMOS_LOCK = threading.Lock()


def paper_memo(engine: Engine) -> PaperMemo:
    """The memo of papers read through ``engine`` (made on first use, gone with the engine)."""
    with _MEMOS_LOCK:
        memo = _MEMOS.get(engine)
        if memo is None:
            memo = _MEMOS[engine] = PaperMemo(PAPERS_REMEMBERED)
        return memo
