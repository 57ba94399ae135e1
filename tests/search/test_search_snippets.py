"""Highlighted titles and snippets are safe HTML: paper text is escaped, only <mark> is added."""

from paperwire.paper import clean_text
from paperwire.search.snippets import highlight, snippet
from paperwire.text import pieces


def read(text: str):
    """``text`` as a paper keeps it read (``Paper.abstract_pieces``, ``Paper.title_pieces``)."""
    return pieces(clean_text(text))


def test_matches_are_marked():
    assert highlight(read("Matryoshka Representation Learning"), ["matryoshka"]) == (
        "<mark>Matryoshka</mark> Representation Learning"
    )


def test_paper_text_cannot_inject_markup():
    html = highlight(read('<script>alert("x")</script> & embeddings'), ["embedding"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert "<mark>embeddings</mark>" in html


def test_query_words_that_look_like_markup_are_escaped_too():
    html = highlight(read("a <b> tag"), ["b"])
    assert html == "a &lt;<mark>b</mark>&gt; tag"


def test_short_words_match_whole_words_only():
    assert highlight(read("in an index"), ["in"]) == "<mark>in</mark> an index"


def test_snippet_is_short_and_centred_on_matches():
    text = "Filler words. " * 60 + "The key result about sparse autoencoders appears here. " + "More filler. " * 60
    html = snippet(read(text), ["autoencoders"])
    assert "<mark>autoencoders</mark>" in html
    assert len(html) < 400
    assert html.startswith("… ")


def test_snippet_without_matches_starts_at_the_beginning():
    assert snippet(read("Short abstract."), []) == "Short abstract."


def test_words_are_marked_in_any_case_at_word_starts_only():
    html = highlight(read("Graphs, GRAPH and graph-based subgraphs; a paragraph"), ["graph"])
    assert html == ("<mark>Graphs</mark>, <mark>GRAPH</mark> and <mark>graph</mark>-based subgraphs; "
                    "a paragraph")


def test_the_longer_of_two_query_words_is_marked_where_both_start():
    assert highlight(read("graphene and graphs"), ["graph", "graphene"]) == (
        "<mark>graphene</mark> and <mark>graphs</mark>")


def test_marks_stay_on_their_words_after_characters_whose_lower_case_is_longer():
    # "İ".lower() is two characters: offsets found in a lowered copy would point one too far.
    assert highlight(read("İstanbul networks and NETWORKS"), ["networks"]) == (
        "İstanbul <mark>networks</mark> and <mark>NETWORKS</mark>")


def test_a_short_word_is_marked_only_whole_where_a_longer_query_word_marks_its_longer_forms():
    assert highlight(read("an index in place"), ["in", "inde"]) == "an <mark>index</mark> <mark>in</mark> place"
    assert highlight(read("an index in place"), ["in", "ind"]) == "an index <mark>in</mark> place"


def test_words_joined_by_underscores_or_digits_are_one_word():
    assert highlight(read("embed_dim, 3dim and dim"), ["dim"]) == "embed_dim, 3dim and <mark>dim</mark>"
