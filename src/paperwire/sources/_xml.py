"""Safe, streaming XML reading shared by the XML source formats (OAI-PMH, Atom, RSS).

Every parser goes through :func:`iter_records` so that all of them are hardened the
same way: no DTD loading, no entity expansion (an XXE or billion-laughs document keeps
its ``&name;`` references as literal text), no network, no huge-tree mode, and each
record element is cleared once read so memory stays flat over a large file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Iterator

from lxml import etree

from paperwire.sources import FormatError


class BrokenXml(FormatError):
    """The XML stops being well formed part way (a truncated download, a bad byte)."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


@dataclass(frozen=True)
class Record:
    """One record element handed to a format parser, with where it came from."""

    element: etree._Element
    number: int  # 1-based among the records; 0 for other elements asked for
    line: int | None

    def where(self, origin: str) -> str:
        line = f", line {self.line}" if self.line else ""
        return f"{origin}:record {self.number}{line}"


def iter_records(
    stream: BinaryIO,
    origin: str,
    *,
    roots: frozenset[str],
    record_tag: str,
    also: frozenset[str] = frozenset(),
    format_name: str,
) -> Iterator[Record]:
    """Yield each ``record_tag`` element (Clark notation), fully built and numbered from 1,
    and each element tagged as in ``also`` (page-level fields such as counts; number 0).

    Raises :class:`FormatError` when the document root is not one of ``roots`` (or the
    input is not XML at all), and :class:`BrokenXml` when the XML breaks after the
    root started, so callers can keep the records read before the break.
    """
    context = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    root_seen = False
    number = 0
    try:
        for event, element in context:
            if not root_seen:
                _check_root(element, roots, origin, format_name)
                root_seen = True
                continue
            if event != "end":
                continue
            if element.tag == record_tag:
                number += 1
                yield Record(element, number, element.sourceline)
            elif element.tag in also:
                yield Record(element, 0, element.sourceline)
            else:
                continue
            _release(element)
    except etree.XMLSyntaxError as error:
        if not root_seen:
            raise FormatError(f"{origin}: not readable as {format_name} XML ({_message(error)})") from None
        where = f"{origin}:line {error.lineno}" if error.lineno else origin
        raise BrokenXml(where, f"XML breaks here ({_message(error)}); records after it are lost") from None
    if not root_seen:
        raise FormatError(f"{origin}: empty input, expected {format_name} XML")


def _check_root(element: etree._Element, roots: frozenset[str], origin: str, format_name: str) -> None:
    if element.tag not in roots:
        raise FormatError(
            f"{origin}: root element {etree.QName(element).localname!r} is not {format_name}; "
            "pass the right --format"
        )


def _release(element: etree._Element) -> None:
    # Drop the record and every sibling already read: constant memory on big files.
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _message(error: etree.XMLSyntaxError) -> str:
    return str(error.msg or error).split(" (", 1)[0]


def text(element: etree._Element | None) -> str | None:
    """All text inside ``element`` (None when absent or blank).

    Unexpanded entity references come back literally (``&xxe;``): we never resolve them.
    """
    if element is None:
        return None
    value = "".join(element.itertext()).strip()
    return value or None


def child_text(parent: etree._Element, tag: str) -> str | None:
    return text(parent.find(tag))


def children_text(parent: etree._Element, tag: str) -> list[str]:
    return [value for value in (text(child) for child in parent.iterfind(tag)) if value]


def sniff_root(head: bytes, markers: tuple[bytes, ...]) -> bool:
    """Whether the first bytes look like XML holding one of ``markers`` (namespace URIs)."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return start == b"<" and any(marker in head for marker in markers)
