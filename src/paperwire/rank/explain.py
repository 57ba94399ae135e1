"""Why a paper is recommended, in words a reader checks at a glance. Pure functions.

The words: the terms of a recommended paper that weighed most in the reader's keyword model
(rank/model.py), their weight in the model times their weight in the paper. Terms every
abstract uses weigh nothing there (idf), and terms of the random background pull down.
"""

from __future__ import annotations

from typing import Iterable

WORDS_SHOWN = 3
TITLE_CHARS = 80  # a nearest paper's title, shortened beyond this


def top_words(ranked: Iterable[str], shown: int = WORDS_SHOWN) -> list[str]:
    """The first ``shown`` of the terms that weighed for the reader (``ranked`` best first), a term
    sharing a word with a better one left out."""
    chosen: list[str] = []
    taken: set[str] = set()
    for term in ranked:
        if len(chosen) == shown:
            break
        words = term.split()
        if taken.isdisjoint(words):
            chosen.append(term)
            taken.update(words)
    return chosen


def close_to(title: str) -> str:
    shown = title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1].rstrip() + "…"
    return f'close to "{shown}"'


def by_followed(name: str) -> str:
    return f"by {name}, whom you follow"


def in_followed(category: str) -> str:
    return f"in {category}, which you follow"


def in_words(found: list[str]) -> str:
    return "words: " + ", ".join(found)


def trending_in(categories: Iterable[str]) -> str:
    chosen = sorted(categories)
    return f"trending in {', '.join(chosen)}" if chosen else "trending this week"
