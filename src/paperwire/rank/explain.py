"""Why a paper is recommended, in words a reader checks at a glance. Pure functions.

The words: those a recommended paper shares with the reader's own papers, weighed as tf-idf
weighs them, with the reader's papers as the "term frequency" and a random sample of the
catalog (the model's background) for the document frequencies. Words every abstract uses
("we", "model", "results") weigh nothing, so no stop-word list is needed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

# Words of three letters or more; not the name of a TeX command (\mathcal) or part of one.
_WORD = re.compile(r"(?<![\\\w])[a-z][a-z0-9-]*[a-z0-9]")
MIN_LETTERS = 3
WORDS_SHOWN = 3
TITLE_CHARS = 80  # a nearest paper's title, shortened beyond this


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) >= MIN_LETTERS}


@dataclass(frozen=True)
class Vocabulary:
    """How many of ``size`` sample papers hold each word."""

    counts: Counter
    size: int

    @classmethod
    def of(cls, texts: Iterable[str]) -> "Vocabulary":
        counts: Counter = Counter()
        size = 0
        for text in texts:
            counts.update(words(text))
            size += 1
        return cls(counts, size)

    def idf(self, word: str) -> float:
        return math.log((1 + self.size) / (1 + self.counts[word]))


def top_words(text: str, reader: Vocabulary, background: Vocabulary, shown: int = WORDS_SHOWN) -> list[str]:
    """The words of ``text`` that are most typical of the reader's papers against the catalog's."""
    weights = {w: reader.counts[w] / max(reader.size, 1) * background.idf(w) for w in words(text) if reader.counts[w]}
    best = sorted((w for w, weight in weights.items() if weight > 0), key=lambda w: (-weights[w], w))
    return best[:shown]


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
