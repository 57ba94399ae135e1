"""The Paper record: how ids, categories, links and versions are normalised and merged."""

from datetime import date

import pytest

from paperwire.paper import (
    InvalidPaper,
    clean_text,
    find_code_links,
    make_paper,
    merge,
    parse_arxiv_id,
    split_categories,
    title_id,
)


@pytest.mark.parametrize("raw, expected", [
    ("2601.01234", ("2601.01234", None)),
    ("2601.01234v3", ("2601.01234", 3)),
    ("arXiv:0704.0001v1", ("0704.0001", 1)),
    ("oai:arXiv.org:2601.01234", ("2601.01234", None)),
    ("https://arxiv.org/abs/2601.01234v2", ("2601.01234", 2)),
    ("http://arxiv.org/pdf/2601.01234v2.pdf", ("2601.01234", 2)),
    ("hep-th/9901001", ("hep-th/9901001", None)),
    ("HEP-TH/9901001v4", ("hep-th/9901001", 4)),
    ("math.gt/0309136", ("math.GT/0309136", None)),
    ("oai:arXiv.org:math/0309136", ("math/0309136", None)),
])
def test_arxiv_ids_are_normalised_with_the_version_split_off(raw, expected):
    assert parse_arxiv_id(raw) == expected


@pytest.mark.parametrize("raw", ["", "1234", "2601.123", "not an id", "<script>", "2601.01234v", "x" * 10_000])
def test_malformed_arxiv_ids_are_rejected_with_the_value_named(raw):
    with pytest.raises(InvalidPaper, match="not an arXiv identifier"):
        parse_arxiv_id(raw)


def test_msc_and_acm_classes_are_kept_apart_from_arxiv_categories():
    categories, classes = split_categories(["cs.CV cs.AI", "stat.ML", "68T45, 62H30", "I.5.3; I.2.10", "hep-th"])
    assert categories == ["cs.CV", "cs.AI", "stat.ML", "hep-th"]
    assert classes == ["68T45, 62H30", "I.5.3; I.2.10"]


def test_code_links_are_found_in_abstract_and_comment():
    links = find_code_links(
        "Code: github.com/mahdiabavisani/DSRC.",
        "Project page https://vision-lab.github.io/proj, weights at https://huggingface.co/org/model)",
    )
    assert links == [
        "https://github.com/mahdiabavisani/DSRC",
        "https://vision-lab.github.io/proj",
        "https://huggingface.co/org/model",
    ]


def test_display_text_loses_stray_line_breaks_but_the_abstract_is_kept_as_given():
    paper = make_paper(title="A\n  Title", arxiv_id="2601.00001", abstract="line one\nline two\x00")
    assert paper.display_title == "A Title"
    assert paper.display_abstract == "line one line two"
    assert paper.abstract == "line one\nline two\x00"


def test_papers_without_arxiv_id_get_a_stable_id_from_their_title():
    a = make_paper(title="Matryoshka Representation Learning")
    b = make_paper(title="  matryoshka   representation learning. ")
    assert a.id == b.id == title_id("Matryoshka Representation Learning")
    assert a.id.startswith("pw-")


def test_a_paper_needs_a_title():
    with pytest.raises(InvalidPaper, match="title"):
        make_paper(title="  \n ", arxiv_id="2601.00001")


def test_primary_category_comes_first():
    paper = make_paper(title="T", arxiv_id="2601.00001", categories=["cs.LG", "cs.CL"], primary_category="cs.CL")
    assert paper.categories == ("cs.CL", "cs.LG")


def test_a_newer_version_replaces_an_older_one_and_keeps_what_it_lacks():
    v1 = make_paper(title="Old title", arxiv_id="2601.00001v1", abstract="old", published_date=date(2026, 1, 1),
                    listing_date=date(2026, 1, 2), updated_date=date(2026, 1, 1))
    v2 = make_paper(title="New title", arxiv_id="2601.00001v2", abstract="new", updated_date=date(2026, 2, 1))
    merged = merge(v1, v2)
    assert (merged.title, merged.version, merged.abstract) == ("New title", 2, "new")
    assert merged.listing_date == date(2026, 1, 2)
    assert merged.published_date == date(2026, 1, 1)


def test_an_older_version_never_overwrites_a_newer_one():
    v2 = make_paper(title="New title", arxiv_id="2601.00001v2", abstract="new")
    v1 = make_paper(title="Old title", arxiv_id="2601.00001v1", abstract="old", doi="10.1/x")
    merged = merge(v2, v1)
    assert (merged.title, merged.version, merged.abstract) == ("New title", 2, "new")
    assert merged.doi == "10.1/x"  # an empty field may still be filled


def test_merging_the_same_record_again_changes_nothing():
    paper = make_paper(title="T", arxiv_id="2601.00001v1", abstract="a")
    assert merge(paper, paper) is paper


def test_an_arxiv_record_absorbs_a_page_capture_of_the_same_paper():
    capture = make_paper(title="Starbucks: Improved Training for 2D Matryoshka Embeddings", abstract="from a page")
    arxiv = make_paper(title="Starbucks: improved training for 2D Matryoshka embeddings", arxiv_id="2410.13230")
    for merged in (merge(capture, arxiv), merge(arxiv, capture)):
        assert merged.id == "2410.13230"
        assert merged.arxiv_id == "2410.13230"


def test_clean_text_composes_accents_and_drops_invisible_characters():
    assert clean_text("Cafe\u0301 \u200b\u2028 ok\x07") == "Café ok"


def test_clean_text_folds_an_abstracts_line_breaks_tabs_and_runs_of_spaces():
    assert clean_text("  We propose\na method.\n") == "We propose a method."
    assert clean_text("one \n two\tthree\r\nfour") == "one two three four"
    assert clean_text("fields\x1cseparated") == "fields separated"


def test_category_codes_have_their_arxiv_names():
    from paperwire.taxonomy import category_for_name, category_name

    assert category_name("cs.CL") == "Computation and Language"
    assert category_name("hep-th") == "High Energy Physics - Theory"
    assert category_name("cs.XX") is None
    assert category_for_name(category_name("astro-ph.GA")) == "astro-ph.GA"
