"""arXiv OAI-PMH responses (ListRecords, GetRecord) in the arXiv, arXivRaw and oai_dc formats.

The shapes follow arXiv's own templates (github.com/arXiv/oaipmh, ``record_formats.xml``)::

    <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
      <ListRecords>
        <record>
          <header [status="deleted"]><identifier>oai:arXiv.org:0704.0001</identifier>
                  <datestamp>2024-01-15</datestamp><setSpec>cs</setSpec></header>
          <metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/">...</arXiv></metadata>
        </record>
        <resumptionToken cursor="0" completeListSize="2">...</resumptionToken>
      </ListRecords>
    </OAI-PMH>

:func:`parse` streams records for ``paperwire import``; :func:`parse_page` reads one
response for the harvester, adding the resumption token, list size and any OAI error.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, BinaryIO, Callable, Iterator, Mapping, Union

from lxml import etree

from paperwire.paper import BadRecord, DeletedRecord, InvalidPaper, Paper, make_paper, parse_arxiv_id
from paperwire.sources import Item
from paperwire.sources._fields import iso_date, rfc822_date, split_author_list
from paperwire.taxonomy import category_for_name
from paperwire.sources._xml import BrokenXml, Record, child_text, children_text, iter_records, sniff_root, text

FORMAT = "oai-pmh"
DESCRIPTION = "arXiv OAI-PMH responses (ListRecords/GetRecord; arXiv, arXivRaw or oai_dc metadata)"

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
ARXIV_NS = "http://arxiv.org/OAI/arXiv/"
ARXIV_RAW_NS = "http://arxiv.org/OAI/arXivRaw/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"

_RECORD = f"{{{OAI_NS}}}record"
_TOKEN = f"{{{OAI_NS}}}resumptionToken"
_ERROR = f"{{{OAI_NS}}}error"
_ROOTS = frozenset({f"{{{OAI_NS}}}OAI-PMH"})
_PAGE_FIELDS = frozenset({_TOKEN, _ERROR})
_NO_RECORDS = "noRecordsMatch"  # an empty selection, not a failure


@dataclass(frozen=True)
class OaiPage:
    """One OAI-PMH response as the harvester needs it."""

    items: list[Item]
    resumption_token: str | None  # None: the list is complete
    complete_list_size: int | None
    cursor: int | None
    error: tuple[str, str] | None  # (code, message), e.g. ("badResumptionToken", "...")
    latest_datestamp: date | None  # greatest header datestamp in this page


@dataclass(frozen=True)
class _Read:
    item: Item
    datestamp: date | None


@dataclass(frozen=True)
class _Resumption:
    token: str | None
    complete_list_size: int | None
    cursor: int | None


@dataclass(frozen=True)
class _OaiError:
    code: str
    message: str


_Event = Union[_Read, _Resumption, _OaiError]


def sniff(head: bytes) -> bool:
    return sniff_root(head, (OAI_NS.encode(),)) and b"OAI-PMH" in head


def parse(stream: BinaryIO, origin: str) -> Iterator[Item]:
    """Every record of an OAI-PMH response; an OAI ``<error>`` (other than noRecordsMatch) is a BadRecord."""
    try:
        for event in _events(stream, origin):
            if isinstance(event, _Read):
                yield event.item
            elif isinstance(event, _OaiError) and event.code != _NO_RECORDS:
                yield BadRecord(where=origin, reason=f"OAI-PMH error {event.code}: {event.message}")
    except BrokenXml as broken:
        yield BadRecord(where=broken.where, reason=broken.reason)


def parse_page(data: bytes, origin: str) -> OaiPage:
    """One whole response. Raises FormatError if it is not OAI-PMH or the XML is cut short."""
    items: list[Item] = []
    datestamps: list[date] = []
    resumption = _Resumption(None, None, None)
    error: tuple[str, str] | None = None
    for event in _events(io.BytesIO(data), origin):
        if isinstance(event, _Read):
            items.append(event.item)
            if event.datestamp:
                datestamps.append(event.datestamp)
        elif isinstance(event, _Resumption):
            resumption = event
        elif error is None:
            error = (event.code, event.message)
    return OaiPage(
        items=items,
        resumption_token=resumption.token,
        complete_list_size=resumption.complete_list_size,
        cursor=resumption.cursor,
        error=error,
        latest_datestamp=max(datestamps, default=None),
    )


def _events(stream: BinaryIO, origin: str) -> Iterator[_Event]:
    for record in iter_records(stream, origin, roots=_ROOTS, record_tag=_RECORD, also=_PAGE_FIELDS, format_name=FORMAT):
        element = record.element
        if element.tag == _TOKEN:
            yield _read_resumption(element)
        elif element.tag == _ERROR:
            yield _OaiError(element.get("code", "unknown"), text(element) or "")
        else:
            yield _read_record(record, origin)


def _read_resumption(element: etree._Element) -> _Resumption:
    return _Resumption(
        token=text(element),  # <resumptionToken/> (empty) ends the list
        complete_list_size=_int_or_none(element.get("completeListSize")),
        cursor=_int_or_none(element.get("cursor")),
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _read_record(record: Record, origin: str) -> _Read:
    where = record.where(origin)
    header = record.element.find(f"{{{OAI_NS}}}header")
    if header is None:
        return _Read(BadRecord(where, "record has no <header>"), None)
    identifier = child_text(header, f"{{{OAI_NS}}}identifier")
    try:
        datestamp = iso_date(child_text(header, f"{{{OAI_NS}}}datestamp"), "header datestamp")
    except ValueError as error:
        return _Read(BadRecord(where, str(error)), None)
    if header.get("status") == "deleted":
        return _Read(_deleted(identifier, datestamp, where), datestamp)
    return _Read(_paper(record.element, header, identifier, datestamp, where), datestamp)


def _deleted(identifier: str | None, datestamp: date | None, where: str) -> DeletedRecord | BadRecord:
    try:
        arxiv_id, _ = parse_arxiv_id(identifier or "")
    except InvalidPaper as error:
        return BadRecord(where, f"deleted record identifier: {error}")
    return DeletedRecord(arxiv_id=arxiv_id, datestamp=datestamp)


def _paper(
    element: etree._Element, header: etree._Element, identifier: str | None, datestamp: date | None, where: str
) -> Paper | BadRecord:
    metadata = element.find(f"{{{OAI_NS}}}metadata")
    payload = metadata[0] if metadata is not None and len(metadata) else None
    if payload is None:
        return BadRecord(where, "record has no <metadata> (and is not marked deleted)")
    reader = _READERS.get(payload.tag)
    if reader is None:
        name = etree.QName(payload).localname
        return BadRecord(where, f"metadata format {name!r} is not supported; harvest arXiv, arXivRaw or oai_dc")
    try:
        fields = reader(payload)
        fields["arxiv_id"] = fields.get("arxiv_id") or identifier
        fields["extra"] = {
            **fields.get("extra", {}),
            "oai_datestamp": datestamp.isoformat() if datestamp else None,
            "oai_sets": children_text(header, f"{{{OAI_NS}}}setSpec"),
        }
        return make_paper(source=FORMAT, **fields)
    except (InvalidPaper, ValueError) as error:
        return BadRecord(where, str(error))


# --- arXiv: structured authors, created/updated dates, no version numbers -------------------


def _from_arxiv(meta: etree._Element) -> dict[str, Any]:
    def field(name: str) -> str | None:
        return child_text(meta, f"{{{ARXIV_NS}}}{name}")

    authors = [_arxiv_author(a) for a in meta.iterfind(f"{{{ARXIV_NS}}}authors/{{{ARXIV_NS}}}author")]
    created = iso_date(field("created"), "created")
    return {
        **_common_fields(field),
        "authors": [display for display, _ in authors],
        "authors_parsed": [parts for _, parts in authors],
        "published_date": created,
        # <updated> appears only once there is a later version; until then v1 is the latest.
        "updated_date": iso_date(field("updated"), "updated") or created,
    }


def _arxiv_author(author: etree._Element) -> tuple[str, tuple[str, str, str]]:
    keyname = child_text(author, f"{{{ARXIV_NS}}}keyname") or ""
    forenames = child_text(author, f"{{{ARXIV_NS}}}forenames") or ""
    suffix = child_text(author, f"{{{ARXIV_NS}}}suffix") or ""
    display = " ".join(part for part in (forenames, keyname, suffix) if part)
    return display, (keyname, forenames, suffix)


# --- arXivRaw: every version with its date; authors as one string -------------------------


def _from_arxiv_raw(meta: etree._Element) -> dict[str, Any]:
    def field(name: str) -> str | None:
        return child_text(meta, f"{{{ARXIV_RAW_NS}}}{name}")

    versions = sorted(
        (_raw_version(v) for v in meta.iterfind(f"{{{ARXIV_RAW_NS}}}version")), key=lambda v: v[0]
    )
    fields = _common_fields(field)
    fields["authors"] = split_author_list(field("authors"))
    fields["extra"] = {
        **fields["extra"],
        "submitter": field("submitter"),
        "versions": [
            {"version": number, "date": day.isoformat() if day else None, "size": size}
            for number, day, size in versions
        ],
    }
    if versions:
        fields["version"] = versions[-1][0]
        fields["published_date"] = versions[0][1]
        fields["updated_date"] = versions[-1][1]
    return fields


def _raw_version(version: etree._Element) -> tuple[int, date | None, str | None]:
    label = (version.get("version") or "").strip().lower()
    if not (label.startswith("v") and label[1:].isdigit()):
        raise ValueError(f"version: bad version label {label[:20]!r}")
    return (
        int(label[1:]),
        rfc822_date(child_text(version, f"{{{ARXIV_RAW_NS}}}date"), f"version {label} date"),
        child_text(version, f"{{{ARXIV_RAW_NS}}}size"),
    )


def _common_fields(field: Callable[[str], str | None]) -> dict[str, Any]:
    """What arXiv and arXivRaw spell the same way."""
    return {
        "arxiv_id": field("id"),
        "title": field("title"),
        "abstract": field("abstract"),
        # Categories come primary first; MSC/ACM strings go with them and make_paper splits them off.
        "categories": [v for v in (field("categories"), field("msc-class"), field("acm-class")) if v],
        "comment": field("comments"),
        "journal_ref": field("journal-ref"),
        "doi": field("doi"),
        "license": field("license"),
        "extra": {k: v for k, v in (("report_no", field("report-no")), ("proxy", field("proxy"))) if v},
    }


# --- oai_dc: Dublin Core words, as loose as it sounds --------------------------------------

_COMMENT_PREFIX = "Comment:"
_ABS_PREFIXES = ("http://arxiv.org/abs/", "https://arxiv.org/abs/")


def _from_oai_dc(meta: etree._Element) -> dict[str, Any]:
    def values(name: str) -> list[str]:
        return children_text(meta, f"{{{DC_NS}}}{name}")

    creators = [_dc_creator(value) for value in values("creator")]
    abstract, comment = _dc_descriptions(values("description"))
    categories, unmapped = _dc_subjects(values("subject"))
    dates = [iso_date(value, "dc:date") for value in values("date")]
    identifiers = _dc_identifiers(values("identifier"))
    titles = values("title")
    return {
        "arxiv_id": identifiers["arxiv_id"],
        "title": titles[0] if titles else None,
        "abstract": abstract,
        "comment": comment,
        "authors": [display for display, _ in creators],
        "authors_parsed": [parts for _, parts in creators],
        "categories": categories,
        "doi": identifiers["doi"],
        "journal_ref": identifiers["journal_ref"],
        "published_date": dates[0] if dates else None,
        "updated_date": dates[-1] if dates else None,
        "extra": {"subjects": unmapped} if unmapped else {},
    }


def _dc_creator(value: str) -> tuple[str, tuple[str, str, str]]:
    # arXiv writes "Keyname Suffix, Forenames".
    last, _, first = (part.strip() for part in value.partition(","))
    display = f"{first} {last}".strip() if first else last
    return display, (last, first, "")


def _dc_descriptions(descriptions: list[str]) -> tuple[str | None, str | None]:
    comments = [d.removeprefix(_COMMENT_PREFIX).strip() for d in descriptions if d.startswith(_COMMENT_PREFIX)]
    others = [d for d in descriptions if not d.startswith(_COMMENT_PREFIX)]
    # Newer arXiv output drops the "Comment:" label: the abstract comes first, comments after it.
    comments += others[1:]
    return (others[0] if others else None), ("; ".join(comments) or None)


def _dc_subjects(subjects: list[str]) -> tuple[list[str], list[str]]:
    categories: list[str] = []
    unmapped: list[str] = []
    for subject in subjects:
        code = category_for_name(subject)
        if code:
            categories.append(code)
        elif _looks_like_class(subject):
            categories.append(subject)  # make_paper files MSC/ACM strings under classes
        else:
            unmapped.append(subject)
    return categories, unmapped


def _looks_like_class(subject: str) -> bool:
    # MSC codes start with two digits (68T50, 05C80); ACM with a letter and a dot (I.2.7).
    head = subject.strip()[:2]
    return head.isdigit() or (len(head) == 2 and head[0].isupper() and head[1] == ".")


def _dc_identifiers(identifiers: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {"arxiv_id": None, "doi": None, "journal_ref": None}
    for identifier in identifiers:
        if identifier.startswith(_ABS_PREFIXES):
            found["arxiv_id"] = found["arxiv_id"] or identifier
        elif identifier.lower().startswith("doi:"):
            found["doi"] = found["doi"] or identifier[4:].strip()
        elif not found["journal_ref"]:
            found["journal_ref"] = identifier
    return found


_READERS: Mapping[str, Callable[[etree._Element], dict[str, Any]]] = MappingProxyType({
    f"{{{ARXIV_NS}}}arXiv": _from_arxiv,
    f"{{{ARXIV_RAW_NS}}}arXivRaw": _from_arxiv_raw,
    f"{{{OAI_DC_NS}}}dc": _from_oai_dc,
})
