"""Highlighted titles and abstract excerpts, safe to put straight into HTML.

A title or abstract is read as TeX (paperwire.text): its math rendered as MathML, its
text macros as styling. The query's words are found in the text a reader sees, outside
math only, and wrapped in ``<mark>``; every piece of paper text is escaped on its own,
so nothing from a paper can become markup.
"""

from __future__ import annotations

import re
from typing import Sequence

from paperwire.paper import clean_text
from paperwire.text.tex import Piece, as_plain, pieces
from paperwire.text.excerpt import Window, shown_text, window
from paperwire.text.html import to_html

SNIPPET_CHARS = 300
# Words of at least this length also match longer forms ("embed" marks "embedding").
_PREFIX_MIN = 4
_LEAD_IN = 60  # characters shown before the first match, so it is not the very first word


def _pattern(words: Sequence[str]) -> re.Pattern | None:
    alternatives = []
    for word in sorted(set(w for w in words if w), key=len, reverse=True):
        escaped = re.escape(word)
        alternatives.append(escaped + r"\w*" if len(word) >= _PREFIX_MIN else escaped + r"(?!\w)")
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def highlight(text: str, words: Sequence[str]) -> str:
    """``text`` (TeX source) as HTML, with the query's words wrapped in <mark> outside its math."""
    items = pieces(text)
    return to_html(items, _spans(items, _pattern(words)))


def snippet(text: str, words: Sequence[str], length: int = SNIPPET_CHARS) -> str:
    """About ``length`` characters of ``text`` around the densest run of matches, highlighted."""
    cut = _snippet_window(text, words, length)
    html = to_html(cut.pieces, _spans(cut.pieces, _pattern(words)))
    return ("… " if cut.cut_before else "") + html + (" …" if cut.cut_after else "")


def snippet_text(text: str, words: Sequence[str], length: int = SNIPPET_CHARS) -> str:
    """The same window as :func:`snippet`, as plain text (for the terminal and e-mail)."""
    cut = _snippet_window(text, words, length)
    return ("… " if cut.cut_before else "") + as_plain(cut.pieces) + (" …" if cut.cut_after else "")


def _snippet_window(text: str, words: Sequence[str], length: int) -> Window:
    items = pieces(clean_text(text))
    size = len(shown_text(items))
    if size <= length:
        return Window(items, False, False)
    start = _best_start(_spans(items, _pattern(words)), size, length)
    return window(items, start, start + length)


def _spans(items: list[Piece], pattern: re.Pattern | None) -> list[tuple[int, int]]:
    """Where the pattern matches the shown text, math spans blanked out so no match touches them."""
    if pattern is None or not items:
        return []
    searched = "".join(" " * len(p.text) if p.math is not None else p.text for p in items)
    return [match.span() for match in pattern.finditer(searched)]


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
