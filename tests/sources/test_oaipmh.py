"""OAI-PMH parsing: what a user importing or harvesting arXiv metadata would notice."""

from __future__ import annotations

import io
import itertools
from datetime import date
from pathlib import Path

import pytest

from paperwire.paper import BadRecord, DeletedRecord, Paper
from paperwire.sources import FormatError, detect
from paperwire.sources import oaipmh
from paperwire.sources._xml import iter_records

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def read(name: str) -> list:
    with open(FIXTURES / name, "rb") as stream:
        return list(oaipmh.parse(stream, name))


def page(name: str) -> oaipmh.OaiPage:
    return oaipmh.parse_page((FIXTURES / name).read_bytes(), name)


def by_id(items: list) -> dict[str, Paper]:
    return {item.id: item for item in items if isinstance(item, Paper)}


# --- arXiv metadata format ---------------------------------------------------------------


def test_arxiv_format_reads_every_record_with_ids_dates_and_authors():
    papers = by_id(read("oai_arXiv_listrecords.xml"))
    assert list(papers) == ["0704.0001", "2401.04088", "math/0309136"]
    diphoton = papers["0704.0001"]
    assert diphoton.title.split() == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies".split()
    assert diphoton.display_title.endswith("Tevatron and LHC energies")
    assert diphoton.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan")
    assert diphoton.authors_parsed[0] == ("Balázs", "C.", "")
    assert diphoton.published_date == date(2007, 4, 2)
    assert diphoton.updated_date == date(2007, 7, 24)
    assert diphoton.version is None  # the arXiv format does not say
    assert diphoton.comment == "37 pages, 15 figures; published version"
    assert diphoton.journal_ref == "Phys.Rev.D76:013009,2007"
    assert diphoton.doi == "10.1103/PhysRevD.76.013009"
    assert diphoton.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert diphoton.abstract.startswith("A fully differential calculation")
    assert diphoton.extra["oai_datestamp"] == "2024-01-14"
    assert diphoton.extra["report_no"] == "ANL-HEP-PR-07-12"
    assert diphoton.source == "oai-pmh"


def test_arxiv_format_keeps_primary_first_and_msc_acm_classes_apart():
    mixtral = by_id(read("oai_arXiv_listrecords.xml"))["2401.04088"]
    assert mixtral.primary_category == "cs.LG"
    assert mixtral.categories == ("cs.LG", "cs.CL", "stat.ML")
    assert mixtral.classes == ("68T50, 68T05", "I.2.7; I.2.6")
    assert mixtral.authors[-1] == "John Smith Jr"
    assert mixtral.authors_parsed[-1] == ("Smith", "John", "Jr")
    assert mixtral.code_links == ("https://github.com/mistralai/mistral-src",)
    # No <updated>: version 1 is the latest, so its date is the created date.
    assert mixtral.updated_date == mixtral.published_date == date(2024, 1, 8)


def test_old_style_ids_survive():
    knot = by_id(read("oai_arXiv_listrecords.xml"))["math/0309136"]
    assert knot.arxiv_id == "math/0309136"
    assert knot.abs_url == "https://arxiv.org/abs/math/0309136"
    assert knot.classes == ("57M27; 57R58",)


def test_page_gives_the_harvester_its_resumption_token_and_totals():
    result = page("oai_arXiv_listrecords.xml")
    assert result.resumption_token == "6960524|1001"
    assert result.complete_list_size == 5124
    assert result.cursor == 0
    assert result.error is None
    assert result.latest_datestamp == date(2024, 1, 15)
    assert [item.id for item in result.items] == ["0704.0001", "2401.04088", "math/0309136"]


# --- arXivRaw ------------------------------------------------------------------------------


def test_arxiv_raw_gives_versions_and_their_dates():
    (lora,) = read("oai_arXivRaw.xml")
    assert lora.id == "2106.09685"
    assert lora.version == 3
    assert lora.published_date == date(2021, 6, 17)  # v1
    assert lora.updated_date == date(2021, 11, 10)  # v3
    assert [v["version"] for v in lora.extra["versions"]] == [1, 2, 3]
    assert lora.extra["submitter"] == "Edward J. Hu"
    assert lora.authors == (
        "Edward J. Hu", "Yelong Shen", "Phillip Wallis", "Zeyuan Allen-Zhu",
        "Yuanzhi Li", "Shean Wang", "Lu Wang", "Weizhu Chen",
    )
    assert lora.categories == ("cs.CL", "cs.AI", "cs.LG")
    assert lora.code_links == ("https://github.com/microsoft/LoRA",)
    assert lora.comment.startswith("Draft V2 includes better baselines")


def test_get_record_page_has_no_token():
    result = page("oai_arXivRaw.xml")
    assert result.resumption_token is None
    assert result.complete_list_size is None
    assert result.latest_datestamp == date(2023, 11, 2)


# --- oai_dc --------------------------------------------------------------------------------


def test_oai_dc_maps_names_dates_identifiers_and_subjects():
    papers = by_id(read("oai_dc.xml"))
    sparsity = papers["0704.0002"]
    assert sparsity.title == "Sparsity-certifying Graph Decompositions"
    assert sparsity.authors == ("Ileana Streinu", "Louis Theran")
    assert sparsity.authors_parsed[0][:2] == ("Streinu", "Ileana")
    assert sparsity.categories == ("math.CO", "cs.CG")
    assert sparsity.classes == ("05C85",)
    assert sparsity.extra["subjects"] == ["Quantum Sorcery"]  # words we cannot map are kept
    assert sparsity.abstract.startswith("We describe a new algorithm")
    assert sparsity.comment == "To appear in Graphs and Combinatorics"
    assert sparsity.published_date == date(2007, 3, 30)
    assert sparsity.updated_date == date(2008, 12, 13)
    assert sparsity.doi == "10.1007/s00373-008-0834-4"
    assert sparsity.journal_ref == "Graphs and Combinatorics 25 (2009) 219-238"


def test_oai_dc_ambiguous_subject_needs_its_group_and_unlabelled_comment_is_read():
    bench = by_id(read("oai_dc.xml"))["2401.00001"]
    # "Machine Learning" alone could be cs.LG or stat.ML: kept aside, not guessed.
    assert bench.categories == ("stat.ML", "cs.IR")
    assert bench.extra["subjects"] == ["Machine Learning"]
    assert bench.authors == ("Jane Doe Jr", "Consortium")
    assert bench.comment == "12 pages, 3 figures"
    assert bench.code_links == ("https://github.com/example/bench",)


# --- deletions and errors ------------------------------------------------------------------


def test_deleted_header_becomes_a_deleted_record():
    items = read("oai_deleted.xml")
    assert items[0] == DeletedRecord(arxiv_id="cond-mat/0102536", datestamp=date(2024, 1, 15))
    assert isinstance(items[1], Paper) and items[1].id == "2312.11805"


def test_empty_resumption_token_means_the_list_is_complete():
    result = page("oai_deleted.xml")
    assert result.resumption_token is None
    assert (result.cursor, result.complete_list_size) == (5000, 5002)
    assert result.latest_datestamp == date(2024, 1, 16)


def test_bad_resumption_token_error_reaches_harvester_and_importer():
    result = page("oai_error_badtoken.xml")
    assert result.error == ("badResumptionToken", "Invalid or expired resumption token")
    assert result.items == []
    (bad,) = read("oai_error_badtoken.xml")
    assert isinstance(bad, BadRecord) and "badResumptionToken" in bad.reason


def test_no_records_match_is_an_empty_result_not_a_failure():
    assert read("oai_error_norecords.xml") == []
    assert page("oai_error_norecords.xml").error[0] == "noRecordsMatch"


# --- hostile input -------------------------------------------------------------------------


def test_bad_records_are_reported_with_position_and_parsing_goes_on():
    items = read("oai_hostile.xml")
    bad = [item for item in items if isinstance(item, BadRecord)]
    assert [b.where for b in bad] == [
        "oai_hostile.xml:record 1, line 6",
        "oai_hostile.xml:record 2, line 21",
        "oai_hostile.xml:record 3, line 35",
    ]
    assert "title" in bad[0].reason
    assert "arXiv identifier" in bad[1].reason and "etc/passwd" in bad[1].reason
    assert "created" in bad[2].reason
    (survivor,) = [item for item in items if isinstance(item, Paper)]
    assert survivor.id == "2401.00011"


def test_markup_and_odd_unicode_are_kept_as_given():
    (survivor,) = [item for item in read("oai_hostile.xml") if isinstance(item, Paper)]
    assert survivor.title == "<script>alert(1)</script> Ünïcödé ∑ 𝔘 — זה עובד"
    assert survivor.abstract == r"Math $\alpha < \beta$ & more."
    assert survivor.authors_parsed[0][0].startswith("Ærøskøbing")


def test_truncated_response_keeps_records_before_the_cut():
    items = read("oai_truncated.xml")
    assert isinstance(items[0], Paper) and items[0].id == "0704.0001"
    assert len(items) == 2
    assert isinstance(items[1], BadRecord)
    assert items[1].where.startswith("oai_truncated.xml:line ")
    with pytest.raises(FormatError, match="oai_truncated.xml:line"):
        page("oai_truncated.xml")


def test_external_entities_are_never_resolved():
    (paper,) = read("oai_xxe.xml")
    assert "root:" not in paper.title + paper.abstract
    assert paper.title == "Secrets &xxe; &remote;"  # left as literal text, never fetched


def test_billion_laughs_does_not_expand():
    items = read("oai_billion_laughs.xml")
    assert all(isinstance(item, BadRecord) or len(item.title) < 200 for item in items)
    assert sum(len(getattr(item, "abstract", "")) for item in items) < 1000


@pytest.mark.parametrize("data", [b"", b"{\"id\": \"2401.00001\"}", b"<feed xmlns='http://www.w3.org/2005/Atom'/>"])
def test_input_that_is_not_oai_pmh_is_a_format_error(data):
    with pytest.raises(FormatError):
        list(oaipmh.parse(io.BytesIO(data), "x.xml"))


def test_sniff_and_detect():
    head = (FIXTURES / "oai_arXiv_listrecords.xml").read_bytes()[:4096]
    assert oaipmh.sniff(head)
    assert not oaipmh.sniff((FIXTURES / "arxiv_api_query.xml").read_bytes()[:4096])
    assert not oaipmh.sniff(b'{"id": "oai:arXiv.org:0704.0001"}')
    assert oaipmh.FORMAT == "oai-pmh" and oaipmh.DESCRIPTION


# --- streaming -----------------------------------------------------------------------------

_RECORD = (
    b"<record><header><identifier>oai:arXiv.org:2401.%05d</identifier><datestamp>2024-01-15</datestamp>"
    b"</header><metadata><arXiv xmlns='http://arxiv.org/OAI/arXiv/'><id>2401.%05d</id>"
    b"<created>2024-01-01</created><title>Paper %d</title><categories>cs.CL</categories>"
    b"<abstract>" + b"x" * 500 + b"</abstract></arXiv></metadata></record>"
)


class CountingStream(io.RawIOBase):
    """A large ListRecords response produced on demand, counting what was read."""

    def __init__(self, records: int) -> None:
        head = b"<OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'><ListRecords>"
        body = (_RECORD % (n, n, n) for n in range(records))
        self.chunks = itertools.chain([head], body, [b"</ListRecords></OAI-PMH>"])
        self.pending = b""
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while len(self.pending) < len(buffer):
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.pending += chunk
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        self.bytes_read += size
        return size


def test_parse_streams_instead_of_reading_everything():
    stream = CountingStream(records=99_999)  # ~80 MB if read whole
    first = list(itertools.islice(oaipmh.parse(stream, "big.xml"), 3))
    assert [paper.id for paper in first] == ["2401.00000", "2401.00001", "2401.00002"]
    assert stream.bytes_read < 1_000_000


def test_records_are_cleared_as_they_are_read():
    stream = CountingStream(records=3_000)
    siblings = []
    for record in iter_records(stream, "big.xml", roots=frozenset({f"{{{oaipmh.OAI_NS}}}OAI-PMH"}),
                               record_tag=f"{{{oaipmh.OAI_NS}}}record", format_name="oai-pmh"):
        siblings.append(len(record.element.getparent()))
    assert record.number == 3_000
    # Only the parser's read-ahead is held, never the records already handed out.
    assert max(siblings) < 100


def test_detect_picks_oai_pmh():
    head = (FIXTURES / "oai_dc.xml").read_bytes()[:65536]
    try:
        module = detect(head, "oai_dc.xml")
    except ModuleNotFoundError:
        pytest.skip("another format module of the registry is not written yet")
    assert module is oaipmh
