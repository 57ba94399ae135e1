"""Hugging Face papers API JSON (the shapes ``huggingface_hub.PaperInfo`` reads).

Accepted inputs: a JSON array, a single JSON object, or JSON lines, of either

* ``/api/daily_papers`` items: ``{"paper": {"id", "authors": [{"name", ...}],
  "publishedAt", "title", "summary", "upvotes", "ai_summary", "ai_keywords",
  "githubRepo", "projectPage", "submittedOnDailyAt", "submittedOnDailyBy"}, "publishedAt",
  "title", "summary", "thumbnail", "numComments", "submittedBy": {"name", "fullname"}, ...}``
* ``/api/papers/{id}`` and ``/api/papers/search`` paper objects (the inner shape above,
  not nested), or search items nested like daily items.

Mapping: ``upvotes`` -> ``Paper.upvotes``; ``githubRepo``/``projectPage`` -> ``code_links``;
the paper's ``publishedAt`` -> ``published_date``; ``submittedOnDailyAt`` (else the
daily item's ``publishedAt``, else the paper's) -> ``listing_date``; ``extra`` holds
``ai_summary``, ``ai_keywords``, ``num_comments``, ``submitted_by`` (user name) and
``submitted_on_daily_at`` (the ISO timestamp as given).

Arrays (API responses, dumps of any size) stream one item at a time, as JSON lines do.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

import ijson
import orjson

from paperwire.paper import BadRecord, Paper, make_paper
from paperwire.sources import FormatError, prepended
from paperwire.sources._records import (
    _UTF8_BOM,
    MAX_RECORD_BYTES,
    FieldError,
    arxiv_id_field,
    build_items,
    json_date,
    json_lines,
    optional_text,
)

FORMAT = "hf-json"
DESCRIPTION = "Hugging Face papers API JSON (/api/daily_papers, /api/papers/{id}, /api/papers/search)"

_JSON_START = (b"[", b"{")
# Keys only a HF paper object has together; checked as bytes so a head cut off in the
# middle of a large array still sniffs.
_HF_MARKERS = (b'"publishedAt"', b'"summary"')


def sniff(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(_JSON_START) and all(marker in text for marker in _HF_MARKERS)


def parse(stream: BinaryIO, origin: str) -> Iterator[Paper | BadRecord]:
    return build_items(_records(stream, origin), paper_from_record)


def _records(stream: BinaryIO, origin: str) -> Iterator[tuple[str, dict] | BadRecord]:
    """(where, object) for each item, whether the input is an array, an object or JSON lines."""
    blank_lines, first_line = _first_line(stream)
    first_line = first_line.removeprefix(_UTF8_BOM)
    # Blank lines are put back as such, so JSON-lines errors keep their line numbers.
    rest = prepended(b"\n" * blank_lines + first_line, stream)
    start = first_line.lstrip()[:1]
    if start == b"[":
        yield from _array_items(rest, origin)
    elif _is_one_line_object(first_line):
        # JSON lines (or one compact object): stream them, first line included.
        yield from json_lines(rest, origin)
    elif start == b"{":
        yield from _pretty_object(rest, origin)
    else:
        raise FormatError(f"{origin}: expected a JSON array or object of papers")


def _first_line(stream: BinaryIO) -> tuple[int, bytes]:
    """How many blank lines come first, and the first non-blank line (up to the record limit)."""
    blank_lines = 0
    while True:
        line = stream.readline(MAX_RECORD_BYTES + 1)
        if line.strip(b"\xef\xbb\xbf \t\r\n") or not line.endswith(b"\n"):
            return blank_lines, line
        blank_lines += 1


def _array_items(stream: BinaryIO, origin: str) -> Iterator[tuple[str, dict] | BadRecord]:
    # One item in memory at a time, however long the array (API dumps run to gigabytes).
    number = 0
    try:
        for number, item in enumerate(ijson.items(stream, "item", use_float=True), start=1):
            where = f"{origin}:record {number}"
            if isinstance(item, dict):
                yield where, item
            else:
                yield BadRecord(where, "expected a JSON object for a paper")
    except ijson.JSONError as error:
        raise FormatError(f"{origin}: not valid JSON after {number} record(s): {error}") from None


def _pretty_object(stream: BinaryIO, origin: str) -> Iterator[tuple[str, dict] | BadRecord]:
    """One paper object over several lines (``/api/papers/{id}``), else JSON lines whose first is bad."""
    document = stream.read(MAX_RECORD_BYTES + 1)
    if len(document) <= MAX_RECORD_BYTES:
        try:
            parsed = orjson.loads(document)
        except orjson.JSONDecodeError as error:
            if b"\n" not in document.strip():
                raise FormatError(f"{origin}: not a JSON document or JSON lines: {error}") from None
        else:
            if not isinstance(parsed, dict):
                raise FormatError(f"{origin}: expected a JSON array or object of papers")
            yield f"{origin}:record 1", parsed
            return
    # Longer than any one paper, or not one document: report line by line.
    yield from json_lines(prepended(document, stream), origin)


def _is_one_line_object(line: bytes) -> bool:
    text = line.strip()
    if not text.startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(text), dict)
    except orjson.JSONDecodeError:
        return False


def paper_from_record(item: dict) -> Paper:
    nested = item.get("paper")
    if nested is not None and not isinstance(nested, dict):
        raise FieldError("paper", "expected an object")
    paper = nested or item
    outer = item if nested else {}
    merged = {**outer, **paper}  # the paper's own fields win over the daily item's
    submitter = _user_name(outer.get("submittedBy")) or _user_name(paper.get("submittedOnDailyBy"))
    submitted_on_daily_at = optional_text(merged, "submittedOnDailyAt")
    listing_date = json_date(submitted_on_daily_at, "submittedOnDailyAt") or json_date(
        outer.get("publishedAt") or paper.get("publishedAt"), "publishedAt"
    )
    extra = {
        key: value
        for key, value in (
            ("ai_summary", optional_text(merged, "ai_summary")),
            ("ai_keywords", _keywords(merged.get("ai_keywords"))),
            ("num_comments", _count(merged, "numComments")),
            ("submitted_by", submitter),
            ("submitted_on_daily_at", submitted_on_daily_at),
        )
        if value
    }
    return make_paper(
        arxiv_id=arxiv_id_field(paper, "id"),
        title=optional_text(paper, "title") or optional_text(outer, "title"),
        abstract=optional_text(paper, "summary") or optional_text(outer, "summary"),
        authors=_author_names(paper.get("authors")),
        code_links=[
            link for link in (optional_text(merged, "githubRepo"), optional_text(merged, "projectPage")) if link
        ],
        upvotes=_count(merged, "upvotes"),
        published_date=json_date(paper.get("publishedAt"), "paper.publishedAt"),
        listing_date=listing_date,
        extra=extra,
        source=FORMAT,
    )


def _author_names(authors: object) -> list[str]:
    if authors is None:
        return []
    if not isinstance(authors, list) or not all(isinstance(a, dict) for a in authors):
        raise FieldError("authors", "expected a list of {name, ...} objects")
    return [a["name"] for a in authors if isinstance(a.get("name"), str)]


def _user_name(user: object) -> str | None:
    # daily items' submittedBy says "name"; submittedOnDailyBy says "user" (as User reads it)
    if not isinstance(user, dict):
        return None
    name = user.get("name") or user.get("user")
    return name if isinstance(name, str) and name else None


def _keywords(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError("ai_keywords", "expected a list of strings")
    return [keyword for keyword in value if isinstance(keyword, str) and keyword]


def _count(record: dict, name: str) -> int:
    value = record.get(name)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FieldError(name, f"expected a non-negative whole number, got {value!r:.40}")
    return value
