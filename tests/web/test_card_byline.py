"""A card's byline: who wrote the paper, where it is filed, when, and its code, safe to show."""

from __future__ import annotations

from datetime import date

from paperwire.paper import Paper
from paperwire.store.catalog import StoredPaper
from paperwire.web.http.card_byline import byline_html


def _byline(**fields) -> str:
    return str(byline_html(StoredPaper(Paper(id="2607.00001", title="T", **fields), doc_id=1)))


def test_the_first_six_authors_link_to_their_pages_and_the_rest_are_counted():
    names = tuple(f"Author {n}" for n in range(1, 10))
    html = _byline(authors=names)
    assert '<a href="/authors/Author%201">Author 1</a>, <a href="/authors/Author%202">' in html
    assert "Author 6</a> and 3 more</p>" in html and "Author 7" not in html


def test_names_with_markup_or_odd_characters_are_escaped_and_quoted():
    html = _byline(authors=('<script>alert(1)</script>', "José Ñúñez/Ö & Co"))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="/authors/Jos%C3%A9%20%C3%91%C3%BA%C3%B1ez%2F%C3%96%20%26%20Co"' in html
    assert ">José Ñúñez/Ö &amp; Co</a>" in html


def test_categories_are_chips_with_their_names_the_primary_marked():
    html = _byline(primary_category="cs.CL", categories=("cs.CL", "cs.LG", "xx.NOPE", "cs.AI", "cs.CV"))
    assert '<a class="chip primary" href="/categories/cs.CL" title="Computation and Language">cs.CL</a>' in html
    assert '<a class="chip" href="/categories/xx.NOPE">xx.NOPE</a>' in html  # a code arXiv lacks: no title
    assert "cs.CV" not in html  # four at most


def test_the_listing_day_and_a_safe_code_link_show_an_unsafe_one_does_not():
    html = _byline(listing_date=date(2026, 7, 1), code_links=("https://github.com/a/b?x=1&y=2",))
    assert '<time datetime="2026-07-01">2026-07-01</time>' in html
    assert '<a class="code" href="https://github.com/a/b?x=1&amp;y=2" rel="nofollow noopener">Code</a>' in html
    assert "Code" not in _byline(code_links=("javascript:alert(1)",))
