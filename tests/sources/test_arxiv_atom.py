"""arXiv export API (Atom) parsing: results, totals, errors, hostile input."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from paperwire.paper import BadRecord, Paper
from paperwire.sources import FormatError
from paperwire.sources import arxiv_atom

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def read(name: str) -> list:
    with open(FIXTURES / name, "rb") as stream:
        return list(arxiv_atom.parse(stream, name))


def papers(name: str) -> dict[str, Paper]:
    return {item.id: item for item in read(name) if isinstance(item, Paper)}


def test_entries_become_papers_with_versions_and_dates():
    found = papers("arxiv_api_query.xml")
    assert list(found) == ["hep-ex/0307015", "2305.14314"]
    qlora = found["2305.14314"]
    assert qlora.arxiv_id == "2305.14314"  # version stripped from the id...
    assert qlora.version == 2  # ...and kept here
    assert qlora.published_date == date(2023, 5, 23)
    assert qlora.updated_date == date(2023, 10, 23)
    assert qlora.title == "QLoRA: Efficient Finetuning of Quantized LLMs"
    assert qlora.abstract.startswith("We present QLoRA")
    assert qlora.authors == ("Tim Dettmers", "Artidoro Pagnoni", "Luke Zettlemoyer")
    assert qlora.extra["affiliations"] == [["University of Washington"], [], ["University of Washington", "Meta AI"]]
    assert qlora.source == "arxiv-atom"


def test_primary_category_first_and_classes_apart():
    qlora = papers("arxiv_api_query.xml")["2305.14314"]
    assert qlora.primary_category == "cs.LG"
    assert qlora.categories == ("cs.LG", "cs.CL")
    assert qlora.classes == ("68T50", "I.2.7")


def test_comment_journal_ref_doi_and_code_links():
    found = papers("arxiv_api_query.xml")
    h1 = found["hep-ex/0307015"]
    assert h1.comment == "23 pages, 8 figures and 4 tables"
    assert h1.journal_ref == "Eur.Phys.J. C31 (2003) 17-29"
    assert h1.doi == "10.1140/epjc/s2003-01326-x"  # from the doi link when arxiv:doi is absent
    assert h1.version == 1
    assert h1.published_date == date(2003, 7, 7)
    assert h1.extra["links"]["pdf"] == "http://arxiv.org/pdf/hep-ex/0307015v1"
    qlora = found["2305.14314"]
    assert qlora.doi == "10.48550/arXiv.2305.14314"
    assert qlora.code_links == ("https://github.com/artidoro/qlora",)


def test_bad_entry_is_reported_and_others_still_read():
    items = read("arxiv_api_query.xml")
    assert len(items) == 3
    bad = items[2]
    assert isinstance(bad, BadRecord)
    assert bad.where == "arxiv_api_query.xml:record 3, line 62"
    assert "not/an-id" in bad.reason


def test_page_has_opensearch_totals():
    page = arxiv_atom.parse_page((FIXTURES / "arxiv_api_query.xml").read_bytes(), "q")
    assert (page.total_results, page.start_index, page.items_per_page) == (183526, 0, 3)
    assert [getattr(item, "id", None) for item in page.items] == ["hep-ex/0307015", "2305.14314", None]


def test_api_error_entry_is_an_error_not_a_paper():
    (bad,) = read("arxiv_api_error.xml")
    assert isinstance(bad, BadRecord)
    assert "incorrect id format for 1234.12345" in bad.reason
    with pytest.raises(arxiv_atom.ApiError, match="incorrect id format"):
        arxiv_atom.parse_page((FIXTURES / "arxiv_api_error.xml").read_bytes(), "q")
    assert issubclass(arxiv_atom.ApiError, FormatError)


def test_truncated_response_keeps_entries_before_the_cut():
    items = read("arxiv_api_truncated.xml")
    assert [type(item) for item in items] == [Paper, BadRecord]
    assert items[0].id == "hep-ex/0307015"
    assert items[1].where.startswith("arxiv_api_truncated.xml:line ")
    with pytest.raises(FormatError, match="arxiv_api_truncated.xml:line"):
        arxiv_atom.parse_page((FIXTURES / "arxiv_api_truncated.xml").read_bytes(), "arxiv_api_truncated.xml")


def test_entities_are_not_expanded_and_files_not_read():
    hostile = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom">
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry><id>http://arxiv.org/abs/2401.00001v1</id><title>&lt;script&gt;x&lt;/script&gt; &xxe;</title>
  <summary>&xxe;</summary><published>2024-01-01T00:00:00Z</published></entry>
</feed>"""
    page = arxiv_atom.parse_page(hostile, "hostile.xml")
    (paper,) = page.items
    assert paper.title == "<script>x</script> &xxe;"
    assert "root:" not in paper.abstract


def test_entry_without_title_is_bad():
    data = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id>
    <summary>No title here.</summary></entry></feed>"""
    (bad,) = arxiv_atom.parse(io.BytesIO(data), "t.xml")
    assert isinstance(bad, BadRecord) and "title" in bad.reason and bad.where.startswith("t.xml:record 1")


def test_not_atom_is_a_format_error():
    with pytest.raises(FormatError):
        list(arxiv_atom.parse(io.BytesIO(b"<rss version='2.0'><channel/></rss>"), "x"))


def test_sniff_tells_api_answers_from_listing_feeds():
    assert arxiv_atom.sniff((FIXTURES / "arxiv_api_query.xml").read_bytes()[:4096])
    assert not arxiv_atom.sniff((FIXTURES / "listing_atom.xml").read_bytes()[:4096])
    assert not arxiv_atom.sniff((FIXTURES / "oai_dc.xml").read_bytes()[:4096])
