"""Highlighted titles and abstract excerpts, safe to put straight into HTML.

Matches are found in the raw text; every piece of text is then escaped on its own and
only the matches are wrapped in ``<mark>``, so nothing from a paper can become markup.
"""

from __future__ import annotations

import html
import re
from typing import Sequence

from paperwire.paper import clean_text

SNIPPET_CHARS = 300
# Words of at least this length also match longer forms ("embed" marks "embedding").
_PREFIX_MIN = 4


def _pattern(words: Sequence[str]) -> re.Pattern | None:
    alternatives = []
    for word in sorted(set(w for w in words if w), key=len, reverse=True):
        escaped = re.escape(word)
        alternatives.append(escaped + r"\w*" if len(word) >= _PREFIX_MIN else escaped + r"(?!\w)")
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def highlight(text: str, words: Sequence[str]) -> str:
    """``text`` escaped for HTML, with the query's words wrapped in <mark>."""
    return _render(text, _spans(text, _pattern(words)))


def snippet(text: str, words: Sequence[str], length: int = SNIPPET_CHARS) -> str:
    """About ``length`` characters of ``text`` around the densest run of matches, highlighted."""
    text = clean_text(text)
    pattern = _pattern(words)
    spans = _spans(text, pattern)
    if len(text) <= length:
        return _render(text, spans)
    start = _best_window(spans, len(text), length)
    end = min(len(text), start + length)
    # Whole words only at both cuts.
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 40 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + length // 2 else end
    window = text[start:end]
    inner = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    return ("… " if start > 0 else "") + _render(window, inner) + (" …" if end < len(text) else "")


def _spans(text: str, pattern: re.Pattern | None) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)] if pattern and text else []


def _best_window(spans: list[tuple[int, int]], size: int, length: int) -> int:
    if not spans:
        return 0
    best_start, best_count = 0, -1
    starts = [a for a, _ in spans]
    for i, first in enumerate(starts):
        count = sum(1 for s in starts[i:] if s < first + length)
        if count > best_count:
            best_start, best_count = first, count
    # Lead in a little so the first match is not the very first word.
    return max(0, min(best_start - 60, size - length))


def _render(text: str, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    position = 0
    for start, end in spans:
        if start < position:
            continue
        out.append(html.escape(text[position:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)
