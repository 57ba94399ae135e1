"""Highlighted titles and abstract excerpts, safe to put straight into HTML.

A title or abstract is read as TeX (paperwire.text): its math rendered as MathML, its
text macros as styling. The query's words are found in the text a reader sees, outside
math only, and wrapped in ``<mark>``; every piece of paper text is escaped on its own,
so nothing from a paper can become markup.
"""

from __future__ import annotations

import functools
import re
from typing import Sequence

from markupsafe import Markup

from paperwire.text.tex import Piece, as_plain
from paperwire.text.excerpt import Window, shown_text, window
from paperwire.text.html import to_html

SNIPPET_CHARS = 300
# Words of at least this length also match longer forms ("embed" marks "embedding").
_PREFIX_MIN = 4
_LEAD_IN = 60  # characters shown before the first match, so it is not the very first word


class _Words:
    """The query's words, found in the text a reader sees.

    What they match is the pattern below: a word not preceded by a word character, one of
    _PREFIX_MIN or more letters with any word characters after it, a shorter one only whole
    (the longest word tried first at each position). str.find on the lowered text proposes where a word may
    start (~3 us over an abstract, where a case-insensitive scan costs ~20 us), and each
    proposal is confirmed in place; the pattern itself (~160 us to compile, new for nearly
    every query) is built only for the rare text whose lower case changes its length.
    """

    def __init__(self, words: Sequence[str]):
        self.words = sorted({w.lower() for w in words if w}, key=len, reverse=True)

    @functools.cached_property
    def pattern(self) -> re.Pattern:
        alternatives = [re.escape(word) + (r"\w*" if len(word) >= _PREFIX_MIN else r"(?!\w)")
                        for word in self.words]
        return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the words match ``text``: (start, end) offsets, in order, not overlapping."""
        if not self.words:
            return []
        lowered = text.lower()
        if len(lowered) != len(text):  # a character whose lower case is longer: offsets would drift
            return [match.span() for match in self.pattern.finditer(text)]
        starts = set()
        for word in self.words:
            at = lowered.find(word)
            while at >= 0:
                starts.add(at)
                at = lowered.find(word, at + 1)
        spans, end = [], 0
        for start in sorted(starts):
            if start >= end and (match_end := self._match_end(text, lowered, start)) is not None:
                spans.append((start, match_end))
                end = match_end
        return spans

    def _match_end(self, text: str, lowered: str, start: int) -> int | None:
        if start and _WORD_CHARACTER.match(text, start - 1):
            return None
        for word in self.words:
            if lowered.startswith(word, start):
                end = start + len(word)
                if len(word) >= _PREFIX_MIN:
                    return _WORD_CHARACTERS.match(text, end).end()
                if not _WORD_CHARACTER.match(text, end):
                    return end
        return None


_WORD_CHARACTER, _WORD_CHARACTERS = re.compile(r"\w"), re.compile(r"\w*")


@functools.lru_cache(maxsize=256)
def _words_of(words: tuple[str, ...]) -> _Words:
    # A page's twenty hits (title and excerpt each) share one query: its pattern is built once.
    return _Words(words)


def highlight(items: Sequence[Piece], words: Sequence[str]) -> Markup:
    """A text read into pieces (``Paper.title_pieces``) as HTML, the query's words in <mark> outside its math."""
    return to_html(items, _spans(items, _words_of(tuple(words))))


def snippet(items: Sequence[Piece], words: Sequence[str], length: int = SNIPPET_CHARS) -> Markup:
    """About ``length`` characters of a cleaned text read into pieces (``Paper.abstract_pieces``)
    around the densest run of matches, highlighted."""
    found = _words_of(tuple(words))
    cut = _snippet_window(items, found, length)
    html = to_html(cut.pieces, _spans(cut.pieces, found))
    return ("… " if cut.cut_before else "") + html + (" …" if cut.cut_after else "")


def snippet_text(items: Sequence[Piece], words: Sequence[str], length: int = SNIPPET_CHARS) -> str:
    """The same window as :func:`snippet`, as plain text (for the terminal and e-mail)."""
    cut = _snippet_window(items, _words_of(tuple(words)), length)
    return ("… " if cut.cut_before else "") + as_plain(cut.pieces) + (" …" if cut.cut_after else "")


def _snippet_window(items: Sequence[Piece], words: _Words, length: int) -> Window:
    size = len(shown_text(items))
    if size <= length:
        return Window(list(items), False, False)
    start = _best_start(_spans(items, words), size, length)
    return window(items, start, start + length)


def _spans(items: Sequence[Piece], words: _Words) -> list[tuple[int, int]]:
    """Where the words match the shown text, math spans blanked out so no match touches them."""
    if not items:
        return []
    return words.spans("".join(" " * len(p.text) if p.math is not None else p.text for p in items))


def _best_start(spans: list[tuple[int, int]], size: int, length: int) -> int:
    if not spans:
        return 0
    best_start, best_count = 0, -1
    starts = [a for a, _ in spans]
    ahead = 0
    for i, first in enumerate(starts):  # the most matches within one window's length of a match
        ahead = max(ahead, i)
        while ahead < len(starts) and starts[ahead] < first + length:
            ahead += 1
        if ahead - i > best_count:
            best_start, best_count = first, ahead - i
    return max(0, min(best_start - _LEAD_IN, size - length))
