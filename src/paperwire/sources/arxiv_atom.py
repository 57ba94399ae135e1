"""arXiv export API ``query`` responses (Atom 1.0 with OpenSearch and arxiv: extensions).

Shape (https://info.arxiv.org/help/api/user-manual.html)::

    <feed xmlns="http://www.w3.org/2005/Atom">
      <opensearch:totalResults>1000</opensearch:totalResults> (also startIndex, itemsPerPage)
      <entry>
        <id>http://arxiv.org/abs/hep-ex/0307015v1</id>
        <published>2003-07-07T13:46:39-04:00</published> <updated>...</updated>
        <title>...</title> <summary>...</summary>
        <author><name>...</name><arxiv:affiliation>...</arxiv:affiliation></author>
        <arxiv:comment/> <arxiv:journal_ref/> <arxiv:doi/>
        <link rel="alternate"/> <link title="pdf" rel="related"/> <link title="doi" rel="related"/>
        <arxiv:primary_category term="hep-ex"/> <category term="hep-ex"/>
      </entry>
    </feed>

A failed query comes back as one entry whose id is ``.../api/errors#...`` and title
``Error``: :func:`parse` reports it as a BadRecord, :func:`parse_page` raises
:class:`ApiError` so a harvester never mistakes it for an empty result.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterator, Union

from lxml import etree

from paperwire.paper import BadRecord, InvalidPaper, Paper, make_paper
from paperwire.sources import FormatError, Item
from paperwire.sources._fields import iso_date
from paperwire.sources._xml import BrokenXml, Record, child_text, children_text, iter_records, sniff_root, text

FORMAT = "arxiv-atom"
DESCRIPTION = "arXiv export API query responses (Atom, http://export.arxiv.org/api/query)"

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"

_ENTRY = f"{{{ATOM_NS}}}entry"
_TOTAL = f"{{{OPENSEARCH_NS}}}totalResults"
_START = f"{{{OPENSEARCH_NS}}}startIndex"
_PER_PAGE = f"{{{OPENSEARCH_NS}}}itemsPerPage"
_ROOTS = frozenset({f"{{{ATOM_NS}}}feed"})
_COUNTS = frozenset({_TOTAL, _START, _PER_PAGE})
_ERROR_ID_MARK = "/api/errors"
_DOI_URL_PREFIXES = ("http://dx.doi.org/", "https://dx.doi.org/", "http://doi.org/", "https://doi.org/")


class ApiError(FormatError):
    """The arXiv API answered with an error entry instead of results."""


@dataclass(frozen=True)
class AtomPage:
    """One API response as the harvester needs it."""

    items: list[Item]
    total_results: int | None
    start_index: int | None
    items_per_page: int | None


@dataclass(frozen=True)
class _Count:
    tag: str
    value: int | None


@dataclass(frozen=True)
class _ApiErrorEntry:
    where: str
    message: str


_Event = Union[Paper, BadRecord, _Count, _ApiErrorEntry]


def sniff(head: bytes) -> bool:
    # The OpenSearch counts or the api/ URLs tell an API answer from an rss.arxiv.org Atom feed.
    return sniff_root(head, (ATOM_NS.encode(),)) and (
        OPENSEARCH_NS.encode() in head or b"arxiv.org/api/" in head
    )


def parse(stream: BinaryIO, origin: str) -> Iterator[Item]:
    try:
        for event in _events(stream, origin):
            if isinstance(event, _ApiErrorEntry):
                yield BadRecord(event.where, f"arXiv API error: {event.message}; fix the query and ask again")
            elif not isinstance(event, _Count):
                yield event
    except BrokenXml as broken:
        yield BadRecord(broken.where, broken.reason)


def parse_page(data: bytes, origin: str) -> AtomPage:
    """One whole response. Raises ApiError for an API error entry, FormatError for bad XML."""
    items: list[Item] = []
    counts: dict[str, int | None] = {}
    for event in _events(io.BytesIO(data), origin):
        if isinstance(event, _ApiErrorEntry):
            raise ApiError(f"{event.where}: arXiv API error: {event.message}")
        if isinstance(event, _Count):
            counts[event.tag] = event.value
        else:
            items.append(event)
    return AtomPage(
        items=items,
        total_results=counts.get(_TOTAL),
        start_index=counts.get(_START),
        items_per_page=counts.get(_PER_PAGE),
    )


def _events(stream: BinaryIO, origin: str) -> Iterator[_Event]:
    for record in iter_records(stream, origin, roots=_ROOTS, record_tag=_ENTRY, also=_COUNTS, format_name=FORMAT):
        if record.element.tag == _ENTRY:
            yield _read_entry(record, origin)
        else:
            yield _Count(record.element.tag, _int_or_none(text(record.element)))


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _read_entry(record: Record, origin: str) -> Paper | BadRecord | _ApiErrorEntry:
    entry = record.element
    entry_id = child_text(entry, f"{{{ATOM_NS}}}id") or ""
    if _ERROR_ID_MARK in entry_id:
        message = child_text(entry, f"{{{ATOM_NS}}}summary") or entry_id.partition("#")[2] or "unknown error"
        return _ApiErrorEntry(record.where(origin), message)
    try:
        return make_paper(source=FORMAT, **_entry_fields(entry))
    except (InvalidPaper, ValueError) as error:
        return BadRecord(record.where(origin), str(error))


def _entry_fields(entry: etree._Element) -> dict[str, Any]:
    def atom(name: str) -> str | None:
        return child_text(entry, f"{{{ATOM_NS}}}{name}")

    def arxiv(name: str) -> str | None:
        return child_text(entry, f"{{{ARXIV_NS}}}{name}")

    authors = entry.findall(f"{{{ATOM_NS}}}author")
    links = _links(entry)
    primary = entry.find(f"{{{ARXIV_NS}}}primary_category")
    affiliations = [children_text(author, f"{{{ARXIV_NS}}}affiliation") for author in authors]
    extra: dict[str, Any] = {"links": links}
    if any(affiliations):
        extra["affiliations"] = affiliations
    return {
        "arxiv_id": atom("id"),  # the abs URL with its version: .../abs/2401.04088v2
        "title": atom("title"),
        "abstract": atom("summary"),
        "authors": [child_text(author, f"{{{ATOM_NS}}}name") or "" for author in authors],
        "primary_category": primary.get("term") if primary is not None else None,
        "categories": [c.get("term", "") for c in entry.iterfind(f"{{{ATOM_NS}}}category")],
        "comment": arxiv("comment"),
        "journal_ref": arxiv("journal_ref"),
        "doi": arxiv("doi") or _doi_from_link(links.get("doi")),
        "published_date": iso_date(atom("published"), "published"),
        "updated_date": iso_date(atom("updated"), "updated"),
        "extra": extra,
    }


def _links(entry: etree._Element) -> dict[str, str]:
    """Links by role: ``alternate`` (abs page), ``pdf``, ``doi``."""
    found: dict[str, str] = {}
    for link in entry.iterfind(f"{{{ATOM_NS}}}link"):
        href = link.get("href")
        role = link.get("title") or link.get("rel") or "alternate"
        if href and role not in found:
            found[role] = href
    return found


def _doi_from_link(url: str | None) -> str | None:
    if not url:
        return None
    for prefix in _DOI_URL_PREFIXES:
        if url.startswith(prefix):
            return url[len(prefix):]
    return None
