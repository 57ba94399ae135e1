"""Field readers the arXiv XML formats share: dates in their three spellings, author lists."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

_AUTHOR_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def iso_date(value: str | None, field: str = "date") -> date | None:
    """``2007-04-02`` or ``2007-04-02T19:18:42-04:00`` / ``...Z`` -> the calendar date as written."""
    if not value:
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise ValueError(f"{field}: bad date {value[:40]!r}") from None


def rfc822_date(value: str | None, field: str = "date") -> date | None:
    """``Mon, 2 Apr 2007 19:18:42 GMT`` -> 2007-04-02 (the date in the zone it was written in)."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"{field}: bad date {value.strip()[:40]!r}") from None


def split_author_list(value: str | None) -> list[str]:
    """``A. Smith, B. Jones and C. Wu`` -> three names.

    Commas inside parentheses (arXiv affiliations, ``A. Smith (MIT, CSAIL)``) do not split.
    """
    names: list[str] = []
    for part in _split_outside_parentheses(value or ""):
        part = part.strip()
        if part:
            names.append(part)
    return names


def _split_outside_parentheses(value: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    start = 0
    position = 0
    while position < len(value):
        char = value[position]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            match = _AUTHOR_SEPARATOR.match(value, position)
            if match and match.end() > position:
                parts.append(value[start:position])
                start = position = match.end()
                continue
        position += 1
    parts.append(value[start:])
    return parts
