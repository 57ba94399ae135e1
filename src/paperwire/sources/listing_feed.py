"""arXiv daily listing feeds from rss.arxiv.org, RSS 2.0 and Atom (the 2024+ format).

Both carry the same fields (https://info.arxiv.org/help/rss_specifications.html and
``atom_specifications.html``)::

    RSS <item>                                Atom <entry>
    title, link                               title, link rel="alternate"
    description / summary:  "arXiv:2401.12345v1 Announce Type: new \\nAbstract: ..."
    guid oai:arXiv.org:2401.12345v1           id oai:arXiv.org:2401.12345v1
    category (text, repeated)                 category term="..."
    pubDate (announce day, RFC 822)           published (announce day, ISO 8601)
    arxiv:announce_type  new | cross | replace | replace-cross
    dc:creator "A. One, B. Two"   dc:rights (licence)   arxiv:journal_reference   arxiv:DOI

The announce day becomes ``listing_date``; the announce type goes to
``extra["announce_type"]``; the version comes from the id in the description.
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO, Iterator

from lxml import etree

from paperwire.paper import BadRecord, InvalidPaper, Paper, make_paper
from paperwire.sources import Item
from paperwire.sources._fields import iso_date, rfc822_date, split_author_list
from paperwire.sources._xml import BrokenXml, Record, child_text, children_text, iter_records, sniff_root

FORMAT = "listing-feed"
DESCRIPTION = "arXiv listing feeds from rss.arxiv.org (RSS 2.0 or Atom, with announce types)"

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
DC_NS = "http://purl.org/dc/elements/1.1/"

_RSS_ROOT = "rss"
_ATOM_ROOT = f"{{{ATOM_NS}}}feed"
_RSS_ITEM = "item"
_ATOM_ENTRY = f"{{{ATOM_NS}}}entry"
# "arXiv:2401.12345v1 Announce Type: new \nAbstract: We ..." (either part may be missing).
_DESCRIPTION = re.compile(
    r"^\s*(?:arXiv:(?P<id>\S+)\s*)?(?:Announce Type:\s*(?P<type>[\w-]+)\s*)?(?:Abstract:\s*)?(?P<abstract>.*)$",
    re.DOTALL,
)


def sniff(head: bytes) -> bool:
    looks_like_feed = sniff_root(head, (b"<rss", ATOM_NS.encode()))
    return looks_like_feed and (b"rss.arxiv.org" in head or b"announce_type" in head or b"Announce Type:" in head)


def parse(stream: BinaryIO, origin: str) -> Iterator[Item]:
    """Each item of an RSS feed or entry of an Atom feed, whichever the document is."""
    records = iter_records(stream, origin, roots=frozenset({_RSS_ROOT, _ATOM_ROOT}),
                           record_tag=_RSS_ITEM, also=frozenset({_ATOM_ENTRY}), format_name=FORMAT)
    try:
        # Count ourselves: Atom entries come through ``also`` and so are not numbered.
        for number, record in enumerate(records, start=1):
            yield _read_item(record, f"{origin}:record {number}, line {record.line}")
    except BrokenXml as broken:
        yield BadRecord(broken.where, broken.reason)


def _read_item(record: Record, where: str) -> Paper | BadRecord:
    fields_of = _rss_fields if record.element.tag == _RSS_ITEM else _atom_fields
    try:
        return make_paper(source=FORMAT, **_finish(fields_of(record.element)))
    except (InvalidPaper, ValueError) as error:
        return BadRecord(where, str(error))


def _rss_fields(item: etree._Element) -> dict[str, Any]:
    return {
        "title": child_text(item, "title"),
        "description": child_text(item, "description"),
        "guid": child_text(item, "guid"),
        "link": child_text(item, "link"),
        "categories": children_text(item, "category"),
        "listing_date": rfc822_date(child_text(item, "pubDate"), "pubDate"),
        **_shared_fields(item),
    }


def _atom_fields(entry: etree._Element) -> dict[str, Any]:
    def atom(name: str) -> str | None:
        return child_text(entry, f"{{{ATOM_NS}}}{name}")

    alternate = entry.find(f"{{{ATOM_NS}}}link[@rel='alternate']")
    if alternate is None:
        alternate = entry.find(f"{{{ATOM_NS}}}link")
    return {
        "title": atom("title"),
        "description": atom("summary"),
        "guid": atom("id"),
        "link": alternate.get("href") if alternate is not None else None,
        "categories": [c.get("term", "") for c in entry.iterfind(f"{{{ATOM_NS}}}category")],
        "listing_date": iso_date(atom("published"), "published"),
        **_shared_fields(entry),
    }


def _shared_fields(element: etree._Element) -> dict[str, Any]:
    def field(namespace: str, name: str) -> str | None:
        return child_text(element, f"{{{namespace}}}{name}")

    return {
        "announce_type": field(ARXIV_NS, "announce_type"),
        "authors": split_author_list(field(DC_NS, "creator")),
        "license": field(DC_NS, "rights"),
        "journal_ref": field(ARXIV_NS, "journal_reference"),
        "doi": field(ARXIV_NS, "DOI") or field(ARXIV_NS, "doi"),
        "comment": field(ARXIV_NS, "comment"),
    }


def _finish(raw: dict[str, Any]) -> dict[str, Any]:
    """Split the description into id/announce type/abstract and pick the best id we have."""
    match = _DESCRIPTION.match(raw.pop("description") or "")
    described_id = match.group("id") if match else None
    announce_type = (raw.pop("announce_type") or (match.group("type") if match else None) or "").lower()
    guid, link = raw.pop("guid"), raw.pop("link")
    # The description's "arXiv:2401.12345v1" carries the version; guid has it too; the link does not.
    arxiv_id = described_id or guid or link
    extra: dict[str, Any] = {}
    if announce_type:
        extra["announce_type"] = announce_type  # new, cross, replace, replace-cross (kept if arXiv adds more)
    return {**raw, "arxiv_id": arxiv_id, "abstract": match.group("abstract") if match else None, "extra": extra}
