"""Kaggle arXiv snapshot: JSON lines with versions, authors_parsed and hyphenated keys."""

import gzip
import io
from datetime import date
from pathlib import Path

import orjson

from paperwire.paper import BadRecord, Paper
from paperwire.sources import kaggle

FIXTURES = Path(__file__).parent.parent / "fixtures"


def parse_bytes(data: bytes, origin: str = "snap.json") -> list:
    return list(kaggle.parse(io.BytesIO(data), origin))


def by_id(items) -> dict[str, Paper]:
    return {item.id: item for item in items if isinstance(item, Paper)}


def test_reads_every_record_of_the_snapshot():
    with open(FIXTURES / "kaggle_snapshot.jsonl", "rb") as stream:
        items = list(kaggle.parse(stream, "snap.json"))
    assert [item.id for item in items] == ["0704.0001", "0704.0002", "math/0211159", "2106.09685"]
    assert all(item.source == "kaggle" for item in items)


def test_gzip_snapshot_reads_the_same_as_plain():
    with gzip.open(FIXTURES / "kaggle_snapshot.jsonl.gz", "rb") as stream:
        from_gzip = list(kaggle.parse(stream, "snap.json.gz"))
    with open(FIXTURES / "kaggle_snapshot.jsonl", "rb") as stream:
        assert from_gzip == list(kaggle.parse(stream, "snap.json"))


def test_versions_give_latest_version_and_first_and_last_dates():
    paper = by_id(parse_bytes((FIXTURES / "kaggle_snapshot.jsonl").read_bytes()))["0704.0002"]
    assert paper.version == 2
    assert paper.published_date == date(2007, 3, 31)
    assert paper.updated_date == date(2008, 12, 13)


def test_authors_come_from_authors_parsed_as_first_last():
    papers = by_id(parse_bytes((FIXTURES / "kaggle_snapshot.jsonl").read_bytes()))
    first = papers["0704.0001"]
    assert first.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan")
    assert first.authors_parsed[0] == ("Balázs", "C.", "")


def test_authors_string_is_split_when_authors_parsed_is_absent():
    record = {"id": "0704.0002", "title": "T", "authors": "Ileana Streinu, Anna Lee and Louis Theran"}
    (paper,) = parse_bytes(orjson.dumps(record))
    assert paper.authors == ("Ileana Streinu", "Anna Lee", "Louis Theran")
    assert paper.version is None and paper.published_date is None


def test_categories_fields_and_extra():
    papers = by_id(parse_bytes((FIXTURES / "kaggle_snapshot.jsonl").read_bytes()))
    graphs = papers["0704.0002"]
    assert graphs.categories == ("math.CO", "cs.CG") and graphs.primary_category == "math.CO"
    assert graphs.classes == ()
    assert graphs.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    photons = papers["0704.0001"]
    assert photons.journal_ref == "Phys.Rev.D76:013009,2007"
    assert photons.doi == "10.1103/PhysRevD.76.013009"
    assert photons.comment == "37 pages, 15 figures; published version"
    assert photons.extra == {"submitter": "Pavel Nadolsky", "report_no": "ANL-HEP-PR-07-12"}
    assert photons.display_title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"


def test_old_style_id_and_code_link():
    papers = by_id(parse_bytes((FIXTURES / "kaggle_snapshot.jsonl").read_bytes()))
    assert papers["math/0211159"].arxiv_id == "math/0211159"
    assert papers["math/0211159"].abs_url == "https://arxiv.org/abs/math/0211159"
    assert papers["2106.09685"].code_links == ("https://github.com/microsoft/LoRA",)


def test_bad_records_are_reported_with_line_and_field_and_parsing_goes_on():
    good = (FIXTURES / "kaggle_snapshot.jsonl").read_bytes().splitlines()[0]
    lines = [
        good,
        b'{"id": "0704.0003", "title": "broken',  # malformed JSON
        orjson.dumps({"id": "not-an-id", "title": "T"}),
        orjson.dumps({"id": "0704.0004", "title": "T", "versions": [{"version": "v1", "created": "yesterday"}]}),
        orjson.dumps({"id": "0704.0005", "title": "  "}),
        orjson.dumps({"id": "0704.0006", "title": "T", "authors_parsed": "Smith"}),
        good,
    ]
    items = parse_bytes(b"\n".join(lines))
    bad = {item.where: item.reason for item in items if isinstance(item, BadRecord)}
    assert list(bad) == [f"snap.json:line {n}" for n in (2, 3, 4, 5, 6)]
    assert bad["snap.json:line 2"].startswith("malformed JSON")
    assert "'id'" in bad["snap.json:line 3"] and "not-an-id" in bad["snap.json:line 3"]
    assert "versions[0].created" in bad["snap.json:line 4"]
    assert "'title'" in bad["snap.json:line 5"]
    assert "authors_parsed" in bad["snap.json:line 6"]
    assert sum(isinstance(item, Paper) for item in items) == 2


def test_streams_from_a_reader_that_only_has_readline():
    class LineReader:
        """A non-seekable stream; reading it all at once would fail the test."""

        def __init__(self, lines):
            self.lines = iter(lines)

        def readline(self, size=-1):
            return next(self.lines, b"")

        def read(self, size=-1):
            raise AssertionError("parser read the whole stream")

    def records():
        for n in range(1000):
            yield orjson.dumps({"id": f"0801.{n:04d}", "title": f"Paper {n}"}) + b"\n"

    items = kaggle.parse(LineReader(records()), "gen")
    assert next(items).id == "0801.0000"
    assert sum(1 for _ in items) == 999


def test_sniffed_from_its_first_line():
    head = (FIXTURES / "kaggle_snapshot.jsonl").read_bytes()
    assert kaggle.sniff(head)
    assert not kaggle.sniff((FIXTURES / "arxiv_listing.jsonl").read_bytes())
