"""Kaggle's arXiv snapshot (``arxiv-metadata-oai-snapshot.json``): JSON lines, one paper a line.

Each line::

    {"id": "0704.0001", "submitter": "Pavel Nadolsky",
     "authors": "C. Bal\\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan",
     "title": ..., "comments": "37 pages", "journal-ref": ..., "doi": ..., "report-no": ...,
     "categories": "hep-ph", "license": null, "abstract": ...,
     "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}, ...],
     "update_date": "2008-11-13",
     "authors_parsed": [["Balázs", "C.", ""], ["Berger", "E. L.", ""], ...]}

The snapshot holds ~2.7M lines, so it is read line by line in constant memory.
``version`` is the highest vN, ``published_date`` the date of v1 and ``updated_date``
the date of the latest version. ``submitter`` and ``report-no`` go to ``extra``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import BinaryIO, Iterator

from paperwire.paper import BadRecord, Paper, make_paper
from paperwire.sources._fields import rfc822_date, split_author_list
from paperwire.sources._records import (
    FieldError,
    arxiv_id_field,
    build_items,
    first_json_object,
    json_lines,
    optional_text,
    required_text,
)

FORMAT = "kaggle"
DESCRIPTION = "Kaggle arXiv metadata snapshot (arxiv-metadata-oai-snapshot.json, JSON lines)"

_VERSION = re.compile(r"^v(\d+)$")
# Fallback author split for records without authors_parsed: "A, B and C" / "A, B, and C".


def sniff(head: bytes) -> bool:
    record = first_json_object(head)
    return record is not None and "id" in record and (
        "authors_parsed" in record or {"versions", "update_date"} <= record.keys()
    )


def parse(stream: BinaryIO, origin: str) -> Iterator[Paper | BadRecord]:
    return build_items(json_lines(stream, origin), paper_from_record)


def paper_from_record(record: dict) -> Paper:
    version, published, updated = _version_dates(record.get("versions"))
    authors_parsed = _authors_parsed(record.get("authors_parsed"))
    if authors_parsed:
        authors = [_display_name(parts) for parts in authors_parsed]
    else:
        authors = split_author_list(optional_text(record, "authors"))
    categories = optional_text(record, "categories") or ""
    extra = {
        key: value
        for key, value in (
            ("submitter", optional_text(record, "submitter")),
            ("report_no", optional_text(record, "report-no")),
        )
        if value
    }
    return make_paper(
        arxiv_id=arxiv_id_field(record, "id"),
        title=required_text(record, "title"),
        abstract=optional_text(record, "abstract"),
        authors=authors,
        authors_parsed=authors_parsed,
        categories=[categories],
        comment=optional_text(record, "comments"),
        journal_ref=optional_text(record, "journal-ref"),
        doi=optional_text(record, "doi"),
        license=optional_text(record, "license"),
        version=version,
        published_date=published,
        updated_date=updated,
        extra=extra,
        source=FORMAT,
    )


def _version_dates(versions: object) -> tuple[int | None, date | None, date | None]:
    """(highest version number, date of v1, date of the highest version)."""
    if versions is None:
        return None, None, None
    if not isinstance(versions, list):
        raise FieldError("versions", "expected a list of {version, created}")
    dated: dict[int, date] = {}
    for index, entry in enumerate(versions):
        name = f"versions[{index}]"
        if not isinstance(entry, dict):
            raise FieldError(name, "expected an object with version and created")
        match = _VERSION.match(str(entry.get("version", "")))
        if not match:
            raise FieldError(f"{name}.version", f"expected v1, v2, ...; got {entry.get('version')!r:.40}")
        created = entry.get("created")
        if not isinstance(created, str):
            raise FieldError(f"{name}.created", "expected a date like 'Mon, 2 Apr 2007 19:18:42 GMT'")
        dated[int(match.group(1))] = rfc822_date(created, f"{name}.created")
    if not dated:
        return None, None, None
    latest = max(dated)
    return latest, dated.get(1), dated[latest]


def _authors_parsed(value: object) -> list[tuple[str, ...]]:
    """[[last, first, suffix], ...] as tuples of strings; absent or null is empty."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(parts, list) and parts and all(isinstance(p, str) for p in parts) for parts in value
    ):
        raise FieldError("authors_parsed", "expected a list of [last, first, suffix] string lists")
    return [tuple(parts) for parts in value]


def _display_name(parts: tuple[str, ...]) -> str:
    # (last, first, suffix) -> "First Last Suffix", skipping empty parts.
    last, first, suffix = (tuple(parts) + ("", ""))[:3]
    return " ".join(part.strip() for part in (first, last, suffix) if part.strip())

