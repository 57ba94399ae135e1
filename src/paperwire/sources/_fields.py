"""Field readers every parser shares: dates in their three spellings, author lists."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

from paperwire.paper import InvalidPaper

_AUTHOR_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


class FieldError(InvalidPaper):
    """One field of a record is missing or malformed; the message names the field."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"field {name!r}: {problem}")


def iso_date(value: str | None, field: str = "date") -> date | None:
    """``2007-04-02``, or a timestamp (``2007-04-02T19:18:42-04:00``, ``...Z``) as a UTC date."""
    if not value:
        return None
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(field, f"not an ISO date: {value[:40]!r}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.date()


def rfc822_date(value: str | None, field: str = "date") -> date | None:
    """``Mon, 2 Apr 2007 19:18:42 GMT`` -> 2007-04-02 (the date in the zone it was written in)."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, IndexError):
        raise FieldError(field, f"not an RFC 2822 date: {value.strip()[:40]!r}") from None


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
