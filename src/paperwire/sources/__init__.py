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
from types import ModuleType
from typing import BinaryIO, Iterator, Union

from paperwire.paper import BadRecord, DeletedRecord, Paper

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
SNIFF_BYTES = 64 * 1024


class FormatError(ValueError):
    """The input as a whole is not readable in the format asked for or detected."""


def formats() -> dict[str, ModuleType]:
    """Every format module by its FORMAT name, in sniffing order."""
    modules = [importlib.import_module(f"paperwire.sources.{name}") for name in _MODULES]
    return {module.FORMAT: module for module in modules}


def detect(head: bytes, origin: str) -> ModuleType:
    """The format module whose sniff accepts ``head`` (the first bytes of the input)."""
    for module in formats().values():
        if module.sniff(head):
            return module
    raise FormatError(
        f"{origin}: cannot tell the format of this input; "
        f"pass --format with one of: {', '.join(formats())}"
    )


def get(name: str) -> ModuleType:
    try:
        return formats()[name]
    except KeyError:
        raise FormatError(f"unknown format {name!r}; choose one of: {', '.join(formats())}") from None


def resolve(stream: BinaryIO, origin: str, format_name: str | None = None) -> ModuleType:
    """The module for ``format_name`` or, if None, for the format the stream's first bytes show.

    ``stream`` must support ``peek`` (an ``io.BufferedReader``); nothing is consumed.
    """
    if format_name:
        return get(format_name)
    return detect(stream.peek(SNIFF_BYTES)[:SNIFF_BYTES], origin)


def parse(stream: BinaryIO, origin: str, format_name: str | None = None) -> Iterator[Item]:
    """Parse ``stream`` in ``format_name`` or, if None, the format its first bytes show."""
    return resolve(stream, origin, format_name).parse(stream, origin)
