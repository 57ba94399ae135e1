"""BEIR corpus.jsonl: no arXiv ids, title-derived Paper ids, BEIR _id kept for qrels."""

import io
from pathlib import Path

import orjson
import pytest

from paperwire.paper import BadRecord, Paper
from paperwire.sources import beir

FIXTURES = Path(__file__).parent.parent / "fixtures"
SCIFACT_CORPUS = Path(__file__).parents[3] / "shared" / "eval" / "scifact" / "corpus.jsonl"


def parse_bytes(data: bytes, origin: str = "corpus.jsonl") -> list:
    return list(beir.parse(io.BytesIO(data), origin))


def test_documents_are_known_by_their_beir_id():
    first, second, _ = parse_bytes((FIXTURES / "beir_corpus.jsonl").read_bytes())
    assert first.id == "beir:4983"
    assert first.arxiv_id is None
    assert first.extra == {"beir_id": "4983"}
    assert second.abstract.startswith("Myelodysplastic syndromes (MDS)")
    assert first.source == "beir"


def test_untitled_document_is_titled_with_the_start_of_its_text():
    *_, untitled = parse_bytes((FIXTURES / "beir_corpus.jsonl").read_bytes())
    assert untitled.title == untitled.abstract[: beir.UNTITLED_TITLE_CHARS]
    assert untitled.extra == {"beir_id": "doc-untitled", "beir_metadata": {"url": "https://example.org/doc"}}


def test_numeric_id_is_read_as_text():
    (paper,) = parse_bytes(orjson.dumps({"_id": 17, "title": "T", "text": "x"}))
    assert paper.extra["beir_id"] == "17"


def test_bad_documents_name_the_line_and_field():
    lines = [
        orjson.dumps({"title": "no id", "text": "x"}),
        orjson.dumps({"_id": "2", "title": "", "text": ""}),
        orjson.dumps({"_id": "3", "title": ["list"], "text": "x"}),
        b"\x80\x81",
        orjson.dumps({"_id": "5", "title": "fine", "text": "y"}),
    ]
    items = parse_bytes(b"\n".join(lines))
    bad = [(item.where, item.reason) for item in items if isinstance(item, BadRecord)]
    assert [where for where, _ in bad] == [f"corpus.jsonl:line {n}" for n in (1, 2, 3, 4)]
    assert "'_id'" in bad[0][1] and "'title'" in bad[1][1] and "'title'" in bad[2][1]
    assert "UTF-8" in bad[3][1]
    assert isinstance(items[-1], Paper) and items[-1].extra["beir_id"] == "5"


def test_sniff():
    assert beir.sniff((FIXTURES / "beir_corpus.jsonl").read_bytes())
    assert not beir.sniff((FIXTURES / "arxiv_listing.jsonl").read_bytes())


def test_scifact_corpus_parses_whole():
    if not SCIFACT_CORPUS.exists():
        pytest.skip(f"{SCIFACT_CORPUS} is not present")
    with open(SCIFACT_CORPUS, "rb") as stream:
        items = list(beir.parse(stream, "scifact"))
    assert len(items) == 5_183 and all(isinstance(item, Paper) for item in items)
    assert len({item.extra["beir_id"] for item in items}) == 5_183
    # Documents sharing a title ("Summary" x3, "Corresponding author:" x2) stay apart.
    assert len({item.id for item in items}) == 5_183
