"""arXiv listings as JSON lines, one paper a line (the layout of ``arxiv-88k.jsonl.gz``).

Each line::

    {"id": "2503.01234", "title": ..., "abstract": ..., "authors": ["A. One", ...],
     "categories": ["cs.CV", "cs.AI", "68T45, 62H30", "I.5.3; I.2.10"],
     "comment": "Accepted to ACL 2019" | null, "first_listing_date": "2025-10-13",
     "source": "dw-dengwei/daily-arXiv-ai-enhanced@data"}

``categories`` mixes arXiv categories with MSC/ACM class strings as arXiv's own data
does; :func:`make_paper` separates them. ``source`` (which collector produced the line)
is kept in ``extra["collected_by"]``.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

from paperwire.paper import BadRecord, Paper, make_paper
from paperwire.sources._records import (
    arxiv_id_field,
    build_items,
    first_json_object,
    json_date,
    json_lines,
    optional_text,
    required_text,
    string_list,
)

FORMAT = "arxiv-jsonl"
DESCRIPTION = "arXiv listings as JSON lines (id, title, abstract, authors[], categories[], first_listing_date)"


def sniff(head: bytes) -> bool:
    record = first_json_object(head)
    if record is None or "versions" in record:  # Kaggle lines also have id/abstract
        return False
    return "first_listing_date" in record or (
        {"id", "title", "abstract"} <= record.keys() and isinstance(record.get("categories"), list)
    )


def parse(stream: BinaryIO, origin: str) -> Iterator[Paper | BadRecord]:
    return build_items(json_lines(stream, origin), paper_from_record)


def paper_from_record(record: dict) -> Paper:
    collected_by = optional_text(record, "source")
    return make_paper(
        arxiv_id=arxiv_id_field(record, "id"),
        title=required_text(record, "title"),
        abstract=optional_text(record, "abstract"),
        authors=string_list(record, "authors"),
        categories=string_list(record, "categories"),
        comment=optional_text(record, "comment"),
        listing_date=json_date(record.get("first_listing_date"), "first_listing_date"),
        extra={"collected_by": collected_by} if collected_by else {},
        source=FORMAT,
    )
