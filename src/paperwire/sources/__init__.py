"""Input formats: pure parsers from a (decompressed) byte stream to Papers.

Each format module exposes::

    FORMAT: str                                   # the name users pass to --format
    DESCRIPTION: str                              # one line for `paperwire import --help`
    def sniff(head: bytes) -> bool                # does this look like my format?
    def parse(stream: BinaryIO, origin: str) -> Iterator[Paper | DeletedRecord | BadRecord]

``parse`` never raises for a bad record: it yields a :class:`BadRecord` naming where
(``origin`` plus line or record number) and why, and goes on with the next record.
It raises :class:`FormatError` only when the whole input is unreadable as that format.
Parsers do no I/O beyond reading ``stream`` and must stream (constant memory) where the
format allows it.
"""

from __future__ import annotations

import importlib
import io
from types import ModuleType
from typing import BinaryIO, Iterator, Union

from paperwire.paper import BadRecord, DeletedRecord, Paper
from paperwire.sources._records import MAX_RECORD_BYTES

Item = Union[Paper, DeletedRecord, BadRecord]

# Order matters for sniffing: the most specific formats first.
_MODULES = (
    "kaggle",
    "arxiv_jsonl",
    "beir",
    "hf_json",
    "oaipmh",
    "arxiv_atom",
    "listing_feed",
    "capture",
)
SNIFF_BYTES = 64 * 1024  # what sniffing looks at, at least...
# ...and further, to the end of the first line, so a JSON-lines file whose first record
# is near the 1 MB record limit is still recognised.
HEAD_LIMIT = 2 * MAX_RECORD_BYTES

# Byte-order marks and the NUL pattern ASCII text takes in each encoding paperwire does not read.
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))
# (bytes per character, which of them are NUL for ASCII text, encoding); UTF-32 before UTF-16,
# whose pattern it also shows.
_WIDE_NULS = ((4, (1, 2, 3), "UTF-32LE"), (4, (0, 1, 2), "UTF-32BE"), (2, (1,), "UTF-16LE"), (2, (0,), "UTF-16BE"))


class FormatError(ValueError):
    """The input as a whole is not readable in the format asked for or detected.

    Its message starts with the input's origin ("papers.json: ..."), as BadRecord locations do.
    """

    def reason(self, origin: str) -> str:
        """The message without its leading ``origin``, for a report that names the input already."""
        return str(self).removeprefix(f"{origin}: ")


def formats() -> dict[str, ModuleType]:
    """Every format module by its FORMAT name, in sniffing order."""
    modules = [importlib.import_module(f"paperwire.sources.{name}") for name in _MODULES]
    return {module.FORMAT: module for module in modules}


def detect(head: bytes, origin: str) -> ModuleType:
    """The format module whose sniff accepts ``head`` (the first bytes of the input)."""
    for module in formats().values():
        if module.sniff(head):
            return module
    if not head.strip():
        raise FormatError(f"{origin}: the input is empty; there is nothing to import")
    raise FormatError(
        f"{origin}: cannot tell the format of this input; "
        f"pass --format with one of: {', '.join(formats())}"
    )


def get(name: str) -> ModuleType:
    try:
        return formats()[name]
    except KeyError:
        raise FormatError(f"unknown format {name!r}; choose one of: {', '.join(formats())}") from None


def resolve(stream: BinaryIO, origin: str, format_name: str | None = None) -> tuple[ModuleType, BinaryIO]:
    """The module for ``format_name`` or, if None, for the format the input's first bytes show,
    and the stream to parse from (the bytes read to decide, then the rest of ``stream``).
    """
    head = read_head(stream)
    encoding = wide_encoding(head)
    if encoding:
        raise FormatError(f"{origin}: this file is {encoding}; paperwire reads UTF-8: convert it first, "
                          f"e.g. iconv -f {encoding} -t UTF-8 < IN > OUT")
    module = get(format_name) if format_name else detect(head, origin)
    return module, prepended(head, stream)


def read_head(stream: BinaryIO) -> bytes:
    """The first SNIFF_BYTES of ``stream``, extended to the end of its first non-blank line
    (within HEAD_LIMIT)."""
    head = stream.read(SNIFF_BYTES)
    if len(head) == SNIFF_BYTES and b"\n" not in head.lstrip():
        head += stream.readline(HEAD_LIMIT - len(head))
    return head


def wide_encoding(head: bytes) -> str | None:
    """The encoding (UTF-16 or UTF-32, as iconv names it) of ``head`` when its BOM or its NULs
    show text in one of them, else None."""
    for bom, encoding in _WIDE_BOMS:
        if head.startswith(bom):
            return encoding
    sample = head[:256]
    if not any(sample):
        return None
    for width, nul_lanes, encoding in _WIDE_NULS:
        if len(sample) >= 4 * width and not any(any(sample[lane::width]) for lane in nul_lanes):
            return encoding
    return None


def parse(stream: BinaryIO, origin: str, format_name: str | None = None) -> Iterator[Item]:
    """Parse ``stream`` in ``format_name`` or, if None, the format its first bytes show."""
    module, stream = resolve(stream, origin, format_name)
    return module.parse(stream, origin)


def prepended(head: bytes, rest: BinaryIO) -> BinaryIO:
    """A buffered stream of ``head`` (bytes already read from ``rest``) followed by the rest of ``rest``."""
    return io.BufferedReader(_Replay(head, rest), buffer_size=SNIFF_BYTES)


class _Replay(io.RawIOBase):
    """``head`` (already read from ``rest``) followed by whatever ``rest`` still holds."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self._head:
            return self._rest.readinto(buffer)
        size = min(len(buffer), len(self._head))
        buffer[:size] = self._head[:size]
        self._head = self._head[size:]
        return size
