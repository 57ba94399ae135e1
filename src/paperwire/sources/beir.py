"""A BEIR corpus (``corpus.jsonl``): JSON lines ``{"_id", "title", "text", "metadata"}``.

BEIR documents carry no arXiv id, so each Paper's id is ``beir:<_id>`` (documents that
share a title stay apart: SciFact has 5,183 documents but only 5,180 distinct titles), and
the BEIR ``_id`` (what qrels refer to) is also kept in ``extra["beir_id"]``.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

from paperwire.paper import BadRecord, Paper, make_paper
from paperwire.sources._records import (
    FieldError,
    build_items,
    first_json_object,
    json_lines,
    optional_text,
)

FORMAT = "beir"
DESCRIPTION = "BEIR corpus.jsonl (_id, title, text, metadata)"

# BEIR allows an empty title (several corpora have only text). A Paper needs a title,
# so such documents are titled with the start of their text, cut to this many characters.
UNTITLED_TITLE_CHARS = 120


def sniff(head: bytes) -> bool:
    record = first_json_object(head)
    return record is not None and {"_id", "text"} <= record.keys()


def parse(stream: BinaryIO, origin: str) -> Iterator[Paper | BadRecord]:
    return build_items(json_lines(stream, origin), paper_from_record)


def paper_from_record(record: dict) -> Paper:
    beir_id = record.get("_id")
    if isinstance(beir_id, int) and not isinstance(beir_id, bool):
        beir_id = str(beir_id)  # some corpora write numeric ids unquoted
    if not isinstance(beir_id, str) or not beir_id.strip():
        raise FieldError("_id", "missing or not a string")
    text = optional_text(record, "text") or ""
    title = optional_text(record, "title") or ""
    if not title.strip():
        title = " ".join(text.split())[:UNTITLED_TITLE_CHARS]
    if not title:
        raise FieldError("title", "empty, and 'text' is empty too")
    extra: dict = {"beir_id": beir_id}
    metadata = record.get("metadata")
    if isinstance(metadata, dict) and metadata:
        extra["beir_metadata"] = metadata
    return make_paper(title=title, abstract=text, local_id=f"beir:{beir_id}", extra=extra, source=FORMAT)
