"""Shared reading for the line-oriented parsers: bounded lines, JSON lines, field checks.

Every function here turns one bad record into a :class:`BadRecord` and moves on, so a
parser built from them never raises for a single record.
"""

from __future__ import annotations

from datetime import date
from typing import Any, BinaryIO, Callable, Iterable, Iterator

import orjson

from paperwire.paper import BadRecord, InvalidPaper, Paper, parse_arxiv_id
from paperwire.sources._fields import FieldError, iso_date

# No real metadata record comes near this (the longest arXiv abstract is ~2 KB, the
# longest line in arxiv-88k is 56 KB); a longer line is hostile or corrupt, and reading
# it whole would break the constant-memory promise.
MAX_RECORD_BYTES = 1024 * 1024
_DRAIN_CHUNK = 64 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"

# Errors a record-building function may raise for one malformed record.
RECORD_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


def numbered_lines(stream: BinaryIO, origin: str) -> Iterator[tuple[int, str] | BadRecord]:
    """Non-blank lines as (1-based line number, text without line ending).

    Over-long lines are skipped without being held in memory, lines that are not UTF-8
    become BadRecords; a UTF-8 byte-order mark on the first line is dropped.
    """
    line_no = 0
    while True:
        raw = stream.readline(MAX_RECORD_BYTES + 1)
        if not raw:
            return
        line_no += 1
        if len(raw) > MAX_RECORD_BYTES and not raw.endswith(b"\n"):
            size = len(raw) + _drain_line(stream)
            yield BadRecord(
                f"{origin}:line {line_no}",
                f"line is {size:,} bytes, over the {MAX_RECORD_BYTES:,}-byte limit for one record",
            )
            continue
        if line_no == 1:
            raw = raw.removeprefix(_UTF8_BOM)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            yield BadRecord(
                f"{origin}:line {line_no}",
                f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
            )
            continue
        text = text.rstrip("\r\n")
        if text.strip():
            yield line_no, text


def _drain_line(stream: BinaryIO) -> int:
    # Consume the rest of an over-long line in chunks; return how many bytes it had.
    size = 0
    while True:
        chunk = stream.readline(_DRAIN_CHUNK)
        size += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return size


def json_lines(stream: BinaryIO, origin: str) -> Iterator[tuple[str, dict] | BadRecord]:
    """JSON objects, one a line, as (where, object); anything else becomes a BadRecord."""
    for item in numbered_lines(stream, origin):
        if isinstance(item, BadRecord):
            yield item
            continue
        line_no, text = item
        where = f"{origin}:line {line_no}"
        try:
            record = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            yield BadRecord(where, f"malformed JSON: {error}")
            continue
        if not isinstance(record, dict):
            yield BadRecord(where, f"expected a JSON object, got {_json_type(record)}")
            continue
        yield where, record


def build_items(
    records: Iterable[tuple[str, dict] | BadRecord], build: Callable[[dict], Paper]
) -> Iterator[Paper | BadRecord]:
    """Apply ``build`` to each (where, record); a record it rejects becomes a BadRecord."""
    for item in records:
        if isinstance(item, BadRecord):
            yield item
            continue
        where, record = item
        try:
            yield build(record)
        except RECORD_ERRORS as error:
            yield BadRecord(where, str(error) or type(error).__name__)


def first_json_object(head: bytes) -> dict | None:
    """The first line of ``head`` as a JSON object, or None (not JSON, or cut off)."""
    first_line = head.removeprefix(_UTF8_BOM).lstrip().split(b"\n", 1)[0]
    if not first_line.startswith(b"{"):
        return None
    try:
        record = orjson.loads(first_line)
    except orjson.JSONDecodeError:
        return None
    return record if isinstance(record, dict) else None


def optional_text(record: dict, name: str) -> str | None:
    """A string field, None when absent or null; any other type is an error."""
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value
    raise FieldError(name, f"expected a string, got {_json_type(value)}")


def required_text(record: dict, name: str) -> str:
    value = optional_text(record, name)
    if value is None or not value.strip():
        raise FieldError(name, "missing or empty")
    return value


def arxiv_id_field(record: dict, name: str) -> str:
    """The record's arXiv id as given (version kept), checked before make_paper sees it."""
    raw = required_text(record, name)
    try:
        parse_arxiv_id(raw)
    except InvalidPaper as error:
        raise FieldError(name, str(error)) from None
    return raw.strip()


def string_list(record: dict, name: str) -> list[str]:
    """A list of strings; absent or null is empty, nulls inside are dropped."""
    value = record.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(name, f"expected a list, got {_json_type(value)}")
    if not all(isinstance(item, str) or item is None for item in value):
        raise FieldError(name, "expected a list of strings")
    return [item for item in value if item]


def json_date(value: Any, name: str) -> date | None:
    """A JSON string holding an ISO date or timestamp, as a (UTC) date."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FieldError(name, f"expected an ISO date string, got {_json_type(value)}")
    return iso_date(value, name)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
