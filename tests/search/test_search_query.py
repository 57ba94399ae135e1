"""The search box's syntax: what a user can type, and that nothing they type is an error."""

from datetime import date

from hypothesis import given, settings, strategies as st

from paperwire.search import SearchFilters, parse_query


def test_plain_words_are_terms():
    query = parse_query("embedding dimension")
    assert query.terms == ("embedding", "dimension")
    assert query.text == "embedding dimension"


def test_full_syntax_example_from_the_docs():
    query = parse_query('matryoshka cat:cs.CL since:2026-01-01 -"sparse autoencoder"')
    assert query.terms == ("matryoshka",)
    assert query.excluded == ("sparse autoencoder",)
    assert query.filters.categories == ("cs.CL",)
    assert query.filters.since == date(2026, 1, 1)


def test_quoted_phrase_and_quoted_author():
    query = parse_query('"diffusion transformer" author:"Kaiming He"')
    assert query.phrases == ("diffusion transformer",)
    assert query.filters.authors == ("Kaiming He",)
    assert query.is_empty is False


def test_author_only_query_is_a_filtered_listing():
    query = parse_query('author:"Kaiming He"')
    assert query.is_empty
    assert query.filters.authors == ("Kaiming He",)


def test_partial_dates_cover_whole_months_and_years():
    query = parse_query("since:2025-03 until:2026")
    assert query.filters.since == date(2025, 3, 1)
    assert query.filters.until == date(2026, 12, 31)


def test_unknown_or_invalid_operators_are_searched_as_words():
    query = parse_query("since:yesterday colour:blue until:2026-13-45")
    assert query.filters.since is None and query.filters.until is None
    assert "since:yesterday" in query.terms and "colour:blue" in query.terms


def test_primary_and_has_code_operators():
    query = parse_query("primary:cs.CV has:code segmentation")
    assert query.filters.categories == ("cs.CV",) and query.filters.primary_only
    assert query.filters.has_code is True


def test_unbalanced_quote_is_plain_text():
    query = parse_query('"unbalanced quote here')
    assert query.terms == ("unbalanced", "quote", "here")


def test_lone_operators_and_punctuation_are_ignored():
    assert parse_query("- -- : AND( ) OR").text == "AND( OR"
    assert parse_query("   ").is_empty
    assert parse_query(None).is_empty


def test_filters_from_the_page_combine_with_the_query_text():
    combined = parse_query("cat:cs.CL since:2026-01-01").filters.combine(
        SearchFilters(categories=("cs.LG",), since=date(2026, 2, 1), authors=("Ada Lovelace",))
    )
    assert combined.categories == ("cs.CL", "cs.LG")
    assert combined.since == date(2026, 2, 1)  # the narrower of the two
    assert combined.authors == ("Ada Lovelace",)


def test_very_long_input_is_cut_not_refused():
    query = parse_query("word " * 5000)
    assert 0 < len(query.terms) <= 64


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses(text):
    query = parse_query(text)
    assert isinstance(query.text, str)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['"', "-", ":", "author:", "cat:", "since:", "until:", "AND(", "OR", ")", "*",
                                 "\\", "$\\alpha$", "🎉", "since:2026-01-01", "x", "NOT", "^2", "~", "[", "{"]),
                max_size=30))
def test_operator_soup_parses(parts):
    parse_query(" ".join(parts))
    parse_query("".join(parts))
