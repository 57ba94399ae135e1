"""Text captures of a Daily Papers page: a ranked list of papers, a title line then an abstract line.

Two layouts are read alike, because blank lines are ignored::

    new                                         Get trending papers in your email inbox once a day!
    Get trending papers in your email inbox!    Get trending papers in your email inbox!
    Subscribe                                   SubscribeInterpretability at Scale: ...
    byAK and the research community             Obtaining human-interpretable explanations ...
    Jun 3                                       ...
    LaMDA: Large Model Fine-Tuning ...
    Low-rank adaptation (LoRA) has become ...

Page chrome ("new", "Subscribe", "Daily Papers", "by AK and the research community", the
e-mail banner) is skipped, including "Subscribe" glued to the first title. A date line
("Jun 3") is the listing date of the papers after it. The page gives no year, so the
year is the one that makes the date the most recent such day not after ``today``.

Entries have no arXiv id: each Paper gets a title-derived id, so the same paper in two
captures is one Paper. ``extra["rank"]`` is the entry's position on its page (1-based).
A line that is neither a title followed by an abstract nor chrome becomes a BadRecord.
"""

from __future__ import annotations

import re
from datetime import date
from typing import BinaryIO, Iterator

from paperwire.paper import BadRecord, Paper, make_paper
from paperwire.sources._records import RECORD_ERRORS, numbered_lines

FORMAT = "capture"
DESCRIPTION = "text capture of a Daily Papers page (title line, abstract line, ...)"

_CHROME = re.compile(
    r"^(?:new|subscribe|daily papers|by\s*ak and the research community"
    r"|get trending papers in your email inbox.*)$",
    re.IGNORECASE,
)
_GLUED_SUBSCRIBE = "Subscribe"
_MONTHS = ("january", "february", "march", "april", "may", "june",
           "july", "august", "september", "october", "november", "december")
_DATE_LINE = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:,\s*(\d{4}))?$")
# Titles on the site stay well under this; a longer line is prose, not a title.
MAX_TITLE_CHARS = 300
# An abstract is a long line, or a shorter one that ends with a full stop (titles do
# not), so a title whose abstract is missing does not swallow the next title.
MIN_ABSTRACT_CHARS = 200
MIN_SHORT_ABSTRACT_CHARS = 60
_SENTENCE_END = (".", '."', ".)")
# How far back a date line's year may go when the day does not exist in recent years (Feb 29).
_YEARS_BACK = 8


def sniff(head: bytes) -> bool:
    """Plain text whose first lines are page chrome or a title/abstract pair."""
    if b"\x00" in head:
        return False
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if not text or text[0] in "{[<":
        return False
    lines = [line.strip() for line in text.splitlines() if line.strip()][:12]
    if any(_CHROME.match(line) or line.startswith(_GLUED_SUBSCRIBE) for line in lines[:6]):
        return True
    return len(lines) >= 2 and _looks_like_title(lines[0]) and _looks_like_abstract(lines[1])


def parse(stream: BinaryIO, origin: str, today: date | None = None) -> Iterator[Paper | BadRecord]:
    """Papers in page order. ``today`` dates a year-less date line; callers should pass it,
    and it defaults to the current date so ``parse(stream, origin)`` also works."""
    today = today or date.today()
    listing_date: date | None = None
    pending_title: tuple[int, str] | None = None
    rank = 0
    for item in numbered_lines(stream, origin):
        if isinstance(item, BadRecord):
            yield item
            continue
        line_no, text = item
        text = text.strip()
        if rank == 0 and pending_title is None and text.startswith(_GLUED_SUBSCRIBE):
            text = text.removeprefix(_GLUED_SUBSCRIBE).strip() or _GLUED_SUBSCRIBE
        if _CHROME.match(text):
            continue
        date_line = _date_from_line(text, today)
        if date_line:
            if pending_title:
                yield _no_abstract(origin, pending_title)
                pending_title = None
            listing_date = date_line
            continue
        if pending_title and _looks_like_abstract(text):
            rank += 1
            yield _entry(origin, pending_title, text, listing_date, rank)
            pending_title = None
            continue
        if pending_title:
            yield _no_abstract(origin, pending_title)
            pending_title = None
        if _looks_like_title(text):
            pending_title = (line_no, text)
        else:
            yield BadRecord(f"{origin}:line {line_no}", "a long text line with no title line before it")
    if pending_title:
        yield _no_abstract(origin, pending_title)


def _entry(
    origin: str, title: tuple[int, str], abstract: str, listing_date: date | None, rank: int
) -> Paper | BadRecord:
    line_no, title_text = title
    try:
        return make_paper(
            title=title_text, abstract=abstract, listing_date=listing_date, extra={"rank": rank}, source=FORMAT
        )
    except RECORD_ERRORS as error:
        return BadRecord(f"{origin}:line {line_no}", f"title: {error}")


def _no_abstract(origin: str, title: tuple[int, str]) -> BadRecord:
    line_no, text = title
    return BadRecord(f"{origin}:line {line_no}", f"no abstract line after this title-like line: {text[:60]!r}")


def _looks_like_title(text: str) -> bool:
    return len(text) <= MAX_TITLE_CHARS and not _ends_like_prose(text)


def _looks_like_abstract(text: str) -> bool:
    return len(text) >= MIN_ABSTRACT_CHARS or _ends_like_prose(text)


def _ends_like_prose(text: str) -> bool:
    return len(text) >= MIN_SHORT_ABSTRACT_CHARS and text.endswith(_SENTENCE_END)


def _date_from_line(text: str, today: date) -> date | None:
    """"Jun 3" (or "June 3, 2024") as a date; a missing year is the latest not after ``today``."""
    match = _DATE_LINE.match(text)
    month = _month_number(match.group(1)) if match else None
    if month is None:
        return None
    day = int(match.group(2))
    if match.group(3):
        return _valid_date(int(match.group(3)), month, day)
    for year in range(today.year, today.year - _YEARS_BACK, -1):
        candidate = _valid_date(year, month, day)
        if candidate and candidate <= today:
            return candidate
    return None


def _month_number(word: str) -> int | None:
    """1-12 for "Jun", "June" or "Sept"; None for any other word."""
    word = word.lower()
    for number, name in enumerate(_MONTHS, start=1):
        if name.startswith(word) and (len(word) == 3 or word in (name, "sept")):
            return number
    return None


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
