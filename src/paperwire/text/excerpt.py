"""Cutting styled pieces to a window of the shown text: between words, never inside math."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from paperwire.text.tex import Piece

_WORD_START_REACH = 40  # how far a window's start may move forward to begin with a whole word


@dataclass(frozen=True)
class Window:
    pieces: list[Piece]
    cut_before: bool  # text was left out before the window
    cut_after: bool  # and after it


def shown_text(items: list[Piece]) -> str:
    """What the pieces show, math spans as typed: the text that window offsets count in."""
    return "".join(piece.text for piece in items)


def window(items: list[Piece], start: int, end: int) -> Window:
    """The pieces between offsets ``start`` and ``end`` of their shown text, cut at spaces.

    The start moves forward to the next word and the end back to the last space (when
    that keeps at least half the window); a math span across either edge is left out whole.
    """
    text = shown_text(items)
    start, end = max(0, start), min(len(text), end)
    if start > 0:
        space = text.find(" ", start, start + _WORD_START_REACH)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + (end - start) // 2 else end
    kept: list[Piece] = []
    offset = 0
    for piece in items:
        first, offset = offset, offset + len(piece.text)
        if offset <= start or first >= end:
            continue
        if piece.math is not None:
            if start <= first and offset <= end:
                kept.append(piece)
        else:
            kept.append(dataclasses.replace(piece, text=piece.text[max(start, first) - first:min(end, offset) - first]))
    return Window(kept, start > 0, end < len(text))


def excerpt(items: list[Piece], limit: int) -> Window:
    """The opening ~``limit`` characters."""
    return window(items, 0, limit)
