"""Searching a small real index (40 sample papers, the real model): what a user sees."""

import pytest

from paperwire.search import IndexMissing, SearchFilters, SearchService


def ids(results):
    return [hit.paper.paper.id for hit in results.hits]


def test_finds_papers_by_meaning_not_only_by_shared_words(search_index):
    # "Tortho-Gaussian: Splatting True Digital Orthophoto Maps" is about aerial city maps.
    results = search_index.service.search("aerial images of cities", mode="semantic", limit=3)
    assert ids(results)[0] == "2411.19594"


def test_hybrid_search_puts_the_obvious_match_first(search_index):
    results = search_index.service.search("inheritance reasoning", limit=5)
    assert ids(results)[0] in ("2606.13751", "2606.13756")
    assert results.total >= 2


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
def test_every_mode_returns_highlighted_html_safe_hits(search_index, mode):
    results = search_index.service.search("video generation", mode=mode, limit=5)
    assert results.hits
    assert any("<mark>" in hit.title_html + hit.snippet_html for hit in results.hits)
    for hit in results.hits:
        assert "<script" not in hit.snippet_html


def test_category_filter_still_returns_k_results(search_index):
    # 14 of the 40 papers are in cs.CV; a query about something else must still fill the page.
    results = search_index.service.search("theorem proving with language models",
                                          filters=SearchFilters(categories=("cs.CV",)), limit=10)
    assert len(results.hits) == 10
    assert all("cs.CV" in hit.paper.paper.categories for hit in results.hits)


def test_primary_category_filter(search_index):
    results = search_index.service.search("agents", filters=SearchFilters(categories=("cs.CL",), primary_only=True),
                                          limit=20)
    assert results.hits
    assert all(hit.paper.paper.primary_category == "cs.CL" for hit in results.hits)


def test_query_operators_filter_too(search_index):
    results = search_index.service.search("agents cat:cs.MA", limit=10)
    assert results.hits and all("cs.MA" in hit.paper.paper.categories for hit in results.hits)
    assert results.query.filters.categories == ("cs.MA",)


def test_excluded_words_never_appear(search_index):
    results = search_index.service.search("video -avatar", limit=10)
    assert results.hits
    for hit in results.hits:
        assert "avatar" not in (hit.paper.paper.title + hit.paper.paper.abstract).lower()


def test_author_filter_and_listing_without_words(search_index):
    author = search_index.catalog.get("2606.13685").paper.authors[0]
    results = search_index.service.search(f'author:"{author}"', sort="newest")
    assert ids(results) == ["2606.13685"]
    assert results.total == 1


def test_empty_query_lists_everything_newest_first(search_index):
    results = search_index.service.search("", sort="newest", limit=40)
    days = [h.paper.paper.listing_date for h in results.hits]
    assert results.total == 40 and days == sorted(days, reverse=True)


@pytest.mark.parametrize("text", [
    '"unbalanced', "AND(", "-", "---", ":", "author:", "cat:", "since:", "x" * 10_000, "🎉🔥 emoji query",
    r"$\mathcal{O}(n \log n)$ \frac{1}{2}", "NOT OR AND", "title:(a OR b)^3~2 *", "\x00\x01 control",
    '<script>alert(1)</script>', "-" * 500, "since:9999-99-99", "  \t\n ",
])
def test_hostile_input_is_searched_as_text_never_an_error(search_index, text):
    results = search_index.service.search(text, limit=5)
    assert isinstance(results.hits, list)


def test_similar_papers_exclude_the_paper_itself(search_index):
    hits = search_index.service.similar("2606.13751", limit=5)
    assert len(hits) == 5
    assert "2606.13751" not in [h.paper.paper.id for h in hits]
    assert hits[0].paper.paper.id == "2606.13756"  # the other inheritance-reasoning paper


def test_similar_accepts_versioned_ids_and_unknown_ids(search_index):
    assert "2606.13751" not in [h.paper.paper.id for h in search_index.service.similar("2606.13751v2", limit=3)]
    assert search_index.service.similar("0000.00000") == []


def test_paging_does_not_repeat_papers(search_index):
    first = ids(search_index.service.search("models", limit=5))
    second = ids(search_index.service.search("models", limit=5, offset=5))
    assert not set(first) & set(second)


def test_missing_index_tells_the_user_what_to_run(settings, catalog):
    with pytest.raises(IndexMissing, match="paperwire index"):
        SearchService(settings, catalog).search("anything")


def test_words_no_paper_holds_give_the_closest_by_meaning_and_say_so(search_index):
    results = search_index.service.search("zzzzqqq", limit=50)
    assert results.closest_by_meaning and results.word_matches == 0
    assert 0 < len(results.hits) == results.total <= 20  # a few offered, not the whole candidate list
    assert not search_index.service.search("zzzzqqq", mode="keyword").hits


def test_words_some_paper_holds_are_counted_as_matches(search_index):
    results = search_index.service.search("inheritance reasoning")
    assert not results.closest_by_meaning and results.word_matches >= 2
    assert search_index.service.search("inheritance reasoning", mode="semantic").word_matches is None
