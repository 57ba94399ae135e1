"""Reading references as reference managers export them, and refusing what cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperwire.community.errors import Invalid
from paperwire.reader.references import MAX_ENTRIES, read_references

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reader"


def ids(found):
    return [r.arxiv_id for r in found.references]


def test_pasted_text_holds_ids_and_urls_of_every_style():
    found = read_references("2309.08600\n"
                            "see https://arxiv.org/pdf/2401.00001v2.pdf and arXiv:hep-th/9901001.\n"
                            "https://arxiv.org/abs/math.GT/0309136v1\n"
                            "https://arxiv.org/html/2402.00003v1#S2\n")
    assert ids(found) == ["2309.08600", "2401.00001", "hep-th/9901001", "math.GT/0309136", "2402.00003"]
    assert found.references[1].where == "line 2" and found.problems == []


def test_lines_without_an_id_are_reported_and_numbers_that_only_look_like_ids_are_not_taken():
    found = read_references("pages 1234.5678 and 12.2020\n\n10.1038/s41586-020-2649-2\n")
    assert found.problems[0].where == "line 1" and "no arXiv id, arXiv URL or DOI" in found.problems[0].reason
    assert [(r.where, r.doi) for r in found.references] == [("line 3", "10.1038/s41586-020-2649-2")]


def test_a_zotero_bibtex_export_names_arxiv_papers_in_url_doi_eprint_and_note():
    found = read_references((FIXTURES / "zotero.bib").read_bytes(), "My Library.bib")
    assert found.format == "bibtex" and found.problems == []
    assert ids(found) == ["2612.00001", "2612.00002", None, None, "2612.09999"]
    numpy = found.references[3]
    assert (numpy.doi, numpy.title) == ("10.1038/s41586-020-2649-2", "Array programming with NumPy")
    assert found.references[0].where == 'entry 1 "lee_attention_2026"'


def test_tex_in_bibtex_titles_becomes_text():
    found = read_references(r'@article{a, title = {{\"U}ber $\alpha$-{Features} in \emph{Sparse} Models}}')
    assert found.references[0].title == "Über α-Features in Sparse Models"


def test_an_eprint_of_another_archive_is_not_taken_for_arxiv():
    found = read_references("@article{a, title={Bio}, eprint={2401.00001}, eprinttype={pubmed}}")
    assert ids(found) == [None] and found.references[0].title == "Bio"


def test_broken_bibtex_entries_are_reported_with_their_line_and_the_rest_is_read():
    text = ('@article{a1, title = "Missing comma" author = "y"}\n'
            '@misc{good, title="Second", url={https://arxiv.org/abs/2401.00001v3}}\n'
            '@misc{good, title="Again"}\n'
            '@article{empty, year={2020}}\n')
    found = read_references(text)
    assert "2401.00001" in ids(found)
    reasons = [(p.where, p.reason) for p in found.problems]
    assert ("line 1", "'}' expected") in reasons
    assert ("file", "repeated bibliography entry: good") in reasons
    assert ('entry 3 "empty"', "has no arXiv id, DOI or title") in reasons


def test_a_zotero_ris_export_is_read_and_an_unclosed_record_reported():
    found = read_references((FIXTURES / "zotero.ris").read_bytes(), "export.ris")
    assert ids(found) == ["2612.00001", None, None]
    assert found.references[2].title == "Überraschende Ergebnisse — ein Titel mit Unicode ∑"
    assert [(p.where, p.reason) for p in found.problems] == [
        ("entry 4 (line 34)", 'not closed by an "ER  -" line; it was not read')]


def test_the_format_is_told_by_the_content_when_the_name_says_nothing():
    ris = (FIXTURES / "zotero.ris").read_bytes()
    assert read_references(ris, "upload").format == "ris"
    assert read_references((FIXTURES / "zotero.bib").read_bytes()).format == "bibtex"
    assert read_references(b"2401.00001", "ids.txt").format == "text"


def test_odd_bytes_and_characters_do_not_break_reading():
    latin1 = "@article{a, title={Caf\xe9 numbers}, eprint={2401.00001}, archivePrefix={arXiv}}".encode("latin-1")
    assert read_references(latin1).references[0].title == "Café numbers"
    hostile = "\ufeff2401.00001\x00\u202e\r\n\U0001f600 arXiv:2401.00002\r"
    assert ids(read_references(hostile.encode("utf-8"))) == ["2401.00001", "2401.00002"]


def test_a_file_over_5_mb_is_refused_before_it_is_read():
    with pytest.raises(Invalid, match=r"file: is 5,242,881 bytes; at most 5 MB \(5,242,880 bytes\) can be read at once"):
        read_references(b"%" * (5 * 1024 * 1024 + 1))


def test_more_entries_than_allowed_are_refused_whole():
    many = "".join(f"@misc{{k{i}, title={{T{i}}}}}\n" for i in range(MAX_ENTRIES + 1))
    with pytest.raises(Invalid, match="holds 5,001 entries; at most 5,000 are read at once: split it"):
        read_references(many)
    with pytest.raises(Invalid, match="holds 5,001 lines"):
        read_references("\n".join(["2401.00001"] * (MAX_ENTRIES + 1)))
