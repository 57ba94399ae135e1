"""Highlighted titles and snippets are safe HTML: paper text is escaped, only <mark> is added."""

from paperwire.search.snippets import highlight, snippet


def test_matches_are_marked():
    assert highlight("Matryoshka Representation Learning", ["matryoshka"]) == (
        "<mark>Matryoshka</mark> Representation Learning"
    )


def test_paper_text_cannot_inject_markup():
    html = highlight('<script>alert("x")</script> & embeddings', ["embedding"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert "<mark>embeddings</mark>" in html


def test_query_words_that_look_like_markup_are_escaped_too():
    html = highlight("a <b> tag", ["b"])
    assert html == "a &lt;<mark>b</mark>&gt; tag"


def test_short_words_match_whole_words_only():
    assert highlight("in an index", ["in"]) == "<mark>in</mark> an index"


def test_snippet_is_short_and_centred_on_matches():
    text = "Filler words. " * 60 + "The key result about sparse autoencoders appears here. " + "More filler. " * 60
    html = snippet(text, ["autoencoders"])
    assert "<mark>autoencoders</mark>" in html
    assert len(html) < 400
    assert html.startswith("… ")


def test_snippet_without_matches_starts_at_the_beginning():
    assert snippet("Short abstract.", []) == "Short abstract."
