"""arXiv listings JSON lines (arxiv-88k.jsonl.gz), plus the hostile-input rules all JSON-lines parsers share."""

import gzip
import io
from datetime import date
from pathlib import Path

import orjson
import pytest

from paperwire.paper import BadRecord, Paper
from paperwire.sources import arxiv_jsonl
from paperwire.sources._records import MAX_RECORD_BYTES

FIXTURES = Path(__file__).parent.parent / "fixtures"
SHARED_LISTINGS = Path(__file__).parents[3] / "shared" / "data" / "arxiv-88k.jsonl.gz"


def parse_bytes(data: bytes, origin: str = "listing.jsonl") -> list:
    return list(arxiv_jsonl.parse(io.BytesIO(data), origin))


def record(**fields) -> bytes:
    base = {"id": "2503.01234", "title": "A Title", "abstract": "An abstract.", "authors": ["A. One"],
            "categories": ["cs.CL"], "comment": None, "first_listing_date": "2025-03-18", "source": "test@data"}
    return orjson.dumps({**base, **fields})


def test_fixture_papers_have_ids_dates_authors_and_classes():
    papers = parse_bytes((FIXTURES / "arxiv_listing.jsonl").read_bytes())
    gestures = papers[0]
    assert gestures.id == gestures.arxiv_id == "1812.06145"
    assert gestures.listing_date == date(2025, 10, 13)
    assert gestures.authors == ("Mahdi Abavisani", "Hamid Reza Vaezi Joze", "Vishal M. Patel")
    assert gestures.categories == ("cs.CV", "cs.AI", "cs.HC", "cs.LG", "stat.ML")
    assert gestures.primary_category == "cs.CV"
    assert gestures.classes == ("68T45, 62H30", "I.5.3; I.2.10")
    assert gestures.extra == {"collected_by": "dw-dengwei/daily-arXiv-ai-enhanced@data"}
    assert gestures.source == "arxiv-jsonl"


def test_code_link_without_scheme_and_old_style_id_without_authors():
    _, sparse, halo = parse_bytes((FIXTURES / "arxiv_listing.jsonl").read_bytes())
    assert sparse.code_links == ("https://github.com/mahdiabavisani/DSRC",)
    assert halo.id == "astro-ph/9605151" and halo.authors == ()
    assert halo.comment == "12 pages, LaTeX"


def test_versioned_id_keeps_the_version():
    (paper,) = parse_bytes(record(id="arXiv:2503.01234v3"))
    assert (paper.id, paper.version) == ("2503.01234", 3)


def test_markup_and_odd_unicode_are_kept_as_given():
    title = "<script>alert(1)</script> Zero\u200bwidth, RTL \u202e, emoji \U0001f9ea, e\u0301"
    (paper,) = parse_bytes(record(title=title))
    assert paper.title == title  # escaping is the web layer's job


def test_hostile_lines_become_bad_records_and_parsing_continues():
    lines = [
        record(id="2503.00001"),
        b"{not json",
        record(id="2503.00002", abstract="x" * (10 * 1024 * 1024)),
        record(id="2503.00003", title="caf\xc3\xa9".encode("latin-1").decode()).replace(b"caf", b"\xff\xfecaf"),
        b"[1, 2, 3]",
        record(id="2503.00004", title=None),
        record(id="12345"),
        record(id="2503.00005", authors="A. One"),
        record(id="2503.00006", first_listing_date="18/03/2025"),
        b'{"id": "2503.00007", "title": "lone \\ud800 surrogate"}',
        record(id="2503.00008"),
    ]
    items = parse_bytes(b"\r\n".join(lines) + b"\r\n")
    papers = [item.id for item in items if isinstance(item, Paper)]
    reasons = {int(item.where.rsplit(" ", 1)[1]): item.reason for item in items if isinstance(item, BadRecord)}
    assert papers == ["2503.00001", "2503.00008"]
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert all(item.where.startswith("listing.jsonl:line ") for item in items if isinstance(item, BadRecord))
    assert reasons[2].startswith("malformed JSON")
    assert f"over the {MAX_RECORD_BYTES:,}-byte limit" in reasons[3]
    assert "not valid UTF-8" in reasons[4]
    assert "expected a JSON object, got a list" in reasons[5]
    assert "'title'" in reasons[6]
    assert "'id'" in reasons[7] and "12345" in reasons[7]
    assert "'authors'" in reasons[8]
    assert "'first_listing_date'" in reasons[9]
    assert reasons[10].startswith("malformed JSON")


def test_byte_order_mark_and_blank_lines_are_ignored():
    items = parse_bytes(b"\xef\xbb\xbf" + record(id="2503.00001") + b"\n\n   \n" + record(id="2503.00002"))
    assert [item.id for item in items] == ["2503.00001", "2503.00002"]


def test_parses_lazily_from_a_generator_backed_stream():
    def lines():
        for n in range(5):
            yield record(id=f"2503.{n:05d}") + b"\n"

    class GeneratorStream:
        def __init__(self, chunks):
            self.chunks = chunks

        def readline(self, size=-1):
            return next(self.chunks, b"")

    items = arxiv_jsonl.parse(GeneratorStream(lines()), "gen")
    assert next(items).id == "2503.00000"
    assert [item.id for item in items] == [f"2503.{n:05d}" for n in range(1, 5)]


def test_sniff_accepts_listings_and_not_kaggle_or_beir():
    assert arxiv_jsonl.sniff((FIXTURES / "arxiv_listing.jsonl").read_bytes())
    assert not arxiv_jsonl.sniff((FIXTURES / "kaggle_snapshot.jsonl").read_bytes())
    assert not arxiv_jsonl.sniff((FIXTURES / "beir_corpus.jsonl").read_bytes())


def test_all_shared_listings_parse_without_bad_records():
    if not SHARED_LISTINGS.exists():
        pytest.skip(f"{SHARED_LISTINGS} is not present")
    papers = bad = 0
    with gzip.open(SHARED_LISTINGS, "rb") as stream:
        for item in arxiv_jsonl.parse(stream, SHARED_LISTINGS.name):
            if isinstance(item, Paper):
                papers += 1
            else:
                bad += 1
    assert (papers, bad) == (88_854, 0)
