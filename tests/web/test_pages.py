"""The pages as a reader gets them: status, what they show, escaping, errors, caching, gzip."""

from __future__ import annotations

import re
import time

import pytest

from paperwire.web.http.render import render_excerpt, render_text

HOSTILE_ID = "2607.99001"  # title: <script>alert(1)</script> & $x<y$
WITH_TEX = "2606.26100"  # abstract: We present \textbf{HierBias} ... \emph{context-conditioned bias probability}, $+2.6\%$


def assert_no_live_markup(body: str) -> None:
    """Hostile text shows as text: no script, no injected tag or handler, no javascript: link."""
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert not re.search(r"""href=["']?\s*javascript:""", body, re.IGNORECASE)
    assert "onerror=alert" not in body.replace("onerror=alert(2)&gt;", "")


# ---- front page -------------------------------------------------------------------------

def test_front_page_shows_the_latest_day_most_upvoted_first(app_client):
    response = app_client.get("/")
    assert response.status_code == 200
    body = response.text
    assert "Wednesday, 1 July 2026" in body
    ids = re.findall(r'<h2 class="title"><a href="/papers/([^"]+)"', body)
    assert ids[0] == "2607.99002"  # 40 upvotes, the others none
    assert HOSTILE_ID in ids
    assert "17 papers" in body  # 14 sample papers and 3 hostile ones
    assert 'href="/?date=2026-06-30"' in body  # previous day with papers
    assert "Next day" not in body  # nothing after the sample's last day


def test_card_shows_authors_categories_excerpt_comments_and_code(app_client):
    body = app_client.get("/").text
    card = body[body.index(f'href="/papers/{HOSTILE_ID}"'):][:4000]
    assert "Zoë Ångström" in card and 'href="/authors/Zo%C3%AB%20%C3%85ngstr%C3%B6m"' in card
    assert 'href="/categories/cs.CR"' in card
    assert "0 comments" in card
    assert 'href="https://github.com/example/hostile-code"' in card


def test_previous_and_next_days_skip_days_without_papers(app_client):
    body = app_client.get("/?date=2026-06-29").text
    assert "Monday, 29 June 2026" in body
    assert 'href="/?date=2026-06-26"' in body and 'href="/?date=2026-06-30"' in body
    empty = app_client.get("/?date=2026-06-27")
    assert empty.status_code == 200
    assert "No papers were listed on this day" in empty.text
    assert 'href="/?date=2026-06-26"' in empty.text and 'href="/?date=2026-06-29"' in empty.text


def test_week_and_month_views(app_client):
    week = app_client.get("/?date=2026-07-01&period=week").text
    assert "Week 27, 2026" in week and "46 papers" in week  # 29 Jun, 30 Jun, 1 Jul
    assert 'href="/?date=2026-06-26&amp;period=week"' in week
    month = app_client.get("/?date=2026-06-10&period=month").text
    assert "June 2026" in month and "43 papers" in month  # 26, 29, 30 Jun: 3 x 14 and a hostile one


@pytest.mark.parametrize("url", ["/?date=2026-13-01", "/?date=yesterday", "/?period=year", "/?page=0", "/?page=x",
                                 "/search?q=x&since=bad", "/search?q=x&sort=random"])
def test_bad_parameters_give_a_friendly_400(app_client, url):
    response = app_client.get(url)
    assert response.status_code == 400
    assert "That request is not quite right" in response.text
    assert "Traceback" not in response.text and "File \"" not in response.text


# ---- paper page -------------------------------------------------------------------------

def test_paper_page_shows_everything_a_reader_needs(app_client):
    response = app_client.get("/papers/2607.99002")
    assert response.status_code == 200
    body = response.text
    assert "<math" in body and "<mfrac>" in body  # title math rendered
    assert "\u211d" in body  # \mathbb{R}
    assert 'href="https://arxiv.org/abs/2607.99002"' in body and 'href="https://arxiv.org/pdf/2607.99002"' in body
    assert "Émile Durand" in body and "李小龙" in body
    assert "🚀" in body
    assert "@misc{" in body and "eprint = {2607.99002}" in body  # BibTeX to copy
    assert 'id="upvotes"' in body and 'id="comments"' in body
    assert "$\\frac{1}{$" in body  # a span that cannot be converted stays as text


def test_paper_with_version_or_url_redirects_to_its_page(app_client):
    for asked in ("/papers/2607.99002v3", "/papers/arXiv:2607.99002"):
        response = app_client.get(asked, follow_redirects=False)
        assert response.status_code == 301, asked
        assert response.headers["location"] == "/papers/2607.99002"


def test_unknown_paper_is_a_friendly_404(app_client):
    response = app_client.get("/papers/2401.99999")
    assert response.status_code == 404
    assert "Not found" in response.text and "2401.99999" in response.text
    assert app_client.get("/no/such/page").status_code == 404


def test_long_abstract_is_cut_on_cards_and_whole_on_its_page(app_client):
    card = app_client.get("/").text
    start = card.index('href="/papers/2607.99003"')
    assert "…" in card[start:start + 3000]
    page = app_client.get("/papers/2607.99003").text
    assert page.count("Long abstract text that goes on and on.") > 100


# ---- hostile data -----------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", f"/papers/{HOSTILE_ID}", "/papers/2607.99004", "/?date=2026-06-30",
                                 "/categories/cs.CR", "/authors/%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E"])
def test_hostile_titles_and_abstracts_show_as_text(app_client, url):
    response = app_client.get(url)
    assert response.status_code == 200
    assert_no_live_markup(response.text)


def test_hostile_title_is_escaped_and_its_math_rendered(app_client):
    body = app_client.get(f"/papers/{HOSTILE_ID}").text
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; <span class=\"math\"" in body
    assert "<mo>&lt;</mo>" in body  # x<y as MathML
    assert "&lt;/textarea&gt;" in app_client.get("/papers/2607.99004").text


def test_render_helpers_escape_everything_outside_math():
    assert render_text("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert render_text("costs $5 and $10") == "costs $5 and $10"
    math = render_text(r"$\href{javascript:alert(1)}{x}$")
    assert "<math" in math and "javascript" not in math.split('title="')[0] + math.split('">', 1)[1]
    assert "<mi>x</mi>" in render_text(r"\(x\)")
    assert render_excerpt("word " * 200, 50).endswith("…")
    cut = render_excerpt("a" * 40 + r" $\alpha + \beta + \gamma$ tail", 45)
    assert "\\alpha" not in cut.replace('title="$\\alpha', "")  # never cut inside math


def _abstract(body: str, css_class: str) -> str:
    start = body.index(f'class="{css_class}"')
    return body[start:body.index("</p>", start)]


def test_text_macros_show_as_styling_on_the_paper_page_and_as_tex_in_its_bibtex(app_client):
    body = app_client.get(f"/papers/{WITH_TEX}").text
    abstract = _abstract(body, "abstract full")
    assert "We present <strong>HierBias</strong>, a hierarchical" in abstract
    assert "We introduce the <em>context-conditioned bias probability</em> and" in abstract
    assert '<span class="math" title="$+2.6\\%$"><math' in abstract
    assert "\\textbf" not in abstract and "\\emph" not in abstract
    assert "We present \\textbf{HierBias}, a hierarchical" in body  # the BibTeX to copy stays TeX


def test_text_macros_show_as_styling_on_cards(app_client):
    excerpt = _abstract(app_client.get("/?date=2026-06-26").text.split(f'href="/papers/{WITH_TEX}"', 1)[1], "abstract")
    assert "We present <strong>HierBias</strong>" in excerpt and "\\textbf" not in excerpt


def test_search_snippets_render_math_and_mark_words_outside_it(app_client):
    body = app_client.get("/search?q=mcnemar").text
    snippet = _abstract(body.split(f'href="/papers/{WITH_TEX}"', 1)[1], "abstract snippet")
    assert "<mark>McNemar</mark>" in snippet
    assert '<span class="math" title="$p &lt; 0.05$"><math' in snippet
    assert "$+4.3" not in snippet.replace('title="$+4.3', "")  # math is never shown as typed
    assert_no_live_markup(snippet)


# ---- other pages ------------------------------------------------------------------------

def test_trending_lists_recent_papers(app_client):
    response = app_client.get("/trending")
    assert response.status_code == 200
    assert "Trending papers" in response.text
    assert '<link rel="alternate" type="application/rss+xml" title="Trending papers" href="/feeds/trending.rss">' \
        in response.text


def test_browse_by_category_and_author(app_client):
    categories = app_client.get("/categories").text
    assert 'href="/categories/cs.CR"' in categories
    crypto = app_client.get("/categories/cs.CR")
    assert crypto.status_code == 200 and HOSTILE_ID in crypto.text
    assert 'href="/feeds/category/cs.CR.rss"' in crypto.text
    assert app_client.get("/categories/no.SUCH").status_code == 404
    author = app_client.get("/authors/zoe angstrom")  # case and accents ignored
    assert author.status_code == 200 and HOSTILE_ID in author.text


def test_counts_of_one_are_singular(app_client):
    author = app_client.get("/authors/Zoë Ångström").text  # the hostile paper's author, of that one paper
    assert "1 paper, newest first." in author and "1 papers" not in author
    card = app_client.get("/").text
    assert "0 comments" in card and "1 comments" not in card
    assert "1 result<" in app_client.get("/search?q=alert&has_code=true&category=cs.CR").text
    assert "46 papers" in app_client.get("/?date=2026-07-01&period=week").text


def test_every_page_has_the_search_box(app_client):
    for url in ("/", "/trending", "/categories", f"/papers/{HOSTILE_ID}", "/search"):
        assert '<label for="site-search"' in app_client.get(url).text, url


def test_search_page_without_words_shows_the_form(app_client):
    body = app_client.get("/search").text
    for label in ('for="category"', 'for="since"', 'for="until"', 'for="has_code"', 'for="sort"'):
        assert label in body



def test_search_form_keeps_the_chosen_category_selected(app_client):
    body = app_client.get("/search?q=alert&category=cs.CR").text
    assert re.findall(r"<option [^>]*selected[^>]*>([^<]*)</option>", body.split('id="sort"')[0]) == ["cs.CR (2)"]
    unknown = app_client.get("/search?q=alert&category=x<y").text  # no papers in it, and markup in the name
    assert '<option selected value="x&lt;y">x&lt;y (' not in unknown
    assert '<option value="x&lt;y" selected>x&lt;y</option>' in unknown
    assert "<option value=\"\">Any category</option>" in app_client.get("/search").text

def test_search_results_have_highlights_filters_and_pages(app_client):
    response = app_client.get("/search?q=learning")
    assert response.status_code == 200
    body = response.text
    assert "<mark>" in body
    assert 'href="/feeds/search.rss?q=learning"' in body
    filtered = app_client.get("/search?q=alert&category=cs.CR").text
    assert HOSTILE_ID in filtered
    assert_no_live_markup(filtered)
    assert "1 result" in app_client.get("/search?q=alert&has_code=true&category=cs.CR").text
    newest = app_client.get("/search?q=learning&sort=newest").text
    days = re.findall(r'<time datetime="([\d-]+)"', newest)
    assert days == sorted(days, reverse=True)


# ---- serving ----------------------------------------------------------------------------

def test_pages_are_cacheable_with_etags(app_client):
    first = app_client.get("/")
    assert first.headers["cache-control"].startswith("public, max-age=")
    etag = first.headers["etag"]
    again = app_client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    assert app_client.get("/papers/2401.99999").headers["cache-control"] == "no-store"


def test_signed_in_readers_get_uncached_pages(app_client):
    response = app_client.get("/", headers={"Cookie": "paperwire_session=x"})
    assert response.headers["cache-control"] == "no-store"


def test_static_assets_are_local_and_cached(app_client):
    body = app_client.get("/").text
    css = re.search(r'href="(/static/style\.css\?v=\w+)"', body).group(1)
    assert "//" not in re.sub(r"https://(arxiv\.org|github\.com)[^\"]*", "", body).split("<body>")[0]
    response = app_client.get(css)
    assert response.status_code == 200 and "immutable" in response.headers["cache-control"]
    assert app_client.get(css, headers={"If-None-Match": response.headers["etag"]}).status_code == 304


def test_responses_are_gzipped(app_client):
    response = app_client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert "Wednesday, 1 July 2026" in response.text
    plain = app_client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == response.text


def test_feeds_are_advertised(app_client):
    front = app_client.get("/?date=2026-06-30").text
    assert '<link rel="alternate" type="application/rss+xml" title="Papers of 2026-06-30" ' \
           'href="/feeds/daily.rss?date=2026-06-30">' in front
    assert '<link rel="alternate" type="application/atom+xml" title="Papers of 2026-06-30 (Atom)" ' \
           'href="/feeds/daily.atom?date=2026-06-30">' in front


def test_a_failure_shows_a_friendly_500_without_a_trace(app_client, web_app, monkeypatch):
    def broken(paper_id):
        raise RuntimeError("database exploded at /secret/path")

    monkeypatch.setattr(web_app.state.catalog, "get", broken)
    response = app_client.get("/papers/2607.99003?fresh=1")
    assert response.status_code == 500
    assert "Something broke on our side" in response.text
    assert "exploded" not in response.text and "Traceback" not in response.text


def test_app_factory_reads_the_home_from_the_environment(web_home, monkeypatch):
    from fastapi.testclient import TestClient

    from paperwire.web.app import create_app

    monkeypatch.setenv("PAPERWIRE_HOME", str(web_home.home))
    with TestClient(create_app()) as client:
        assert client.get("/healthz").text == "ok"
        assert client.app.state.settings.home == web_home.home


def test_serve_and_demo_commands_document_themselves():
    from click.testing import CliRunner

    from paperwire.cli import main

    for command in ("serve", "demo"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "--workers" in result.output and "Examples:" in result.output


def test_many_readers_of_an_expired_page_cause_one_render(web_app, monkeypatch):
    import asyncio
    import time as clock

    import httpx

    real_get, calls = web_app.state.catalog.get, []

    def slow_get(paper_id):
        calls.append(paper_id)
        clock.sleep(0.2)  # a render long enough for the other readers to arrive meanwhile
        return real_get(paper_id)

    monkeypatch.setattr(web_app.state.catalog, "get", slow_get)

    async def readers(count: int, url: str) -> list[int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web_app), base_url="http://test") as client:
            responses = await asyncio.gather(*(client.get(url) for _ in range(count)))
        return [r.status_code for r in responses]

    assert asyncio.run(readers(1, "/papers/2607.99003?stampede=0")) == [200]
    calls_of_one_render = len(calls)
    calls.clear()
    assert asyncio.run(readers(8, "/papers/2607.99003?stampede=1")) == [200] * 8
    assert len(calls) == calls_of_one_render


def test_page_cache_serves_fresh_then_stale_then_forgets():
    from paperwire.web.http.cache import TTLCache

    now = [0.0]
    cache = TTLCache(max_entries=2, max_age_s=30, max_stale_s=60, clock=lambda: now[0])
    cache.put("/", "page")
    assert cache.lookup("/") == ("page", True)
    now[0] = 45
    assert cache.lookup("/") == ("page", False) and cache.get("/") is None  # served stale, refreshed meanwhile
    now[0] = 100
    assert cache.lookup("/") is None
    for key in ("a", "b", "c"):
        cache.put(key, key)
    assert cache.lookup("a") is None and cache.lookup("c") == ("c", True)  # least recently used goes first


def test_an_expired_page_is_served_at_once_and_refreshed_behind(app_client, web_app):
    url = key = "/categories?stale=1"
    first = app_client.get(url)
    cache = web_app.state.page_cache
    page, _ = cache.lookup(key)
    cache._entries[key] = cache._entries[key]._replace(stored_at=cache._clock() - cache.max_age_s - 1)  # past fresh
    again = app_client.get(url)
    assert again.status_code == 200 and again.text == first.text
    deadline = time.monotonic() + 10
    while not cache.lookup(key)[1]:  # the background render replaced it with a fresh copy
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_search_results_highlight_words_in_titles_that_hold_math(app_client):
    body = app_client.get("/search?q=quadratic+bounds").text
    title = body[body.index('<h2 class="title">'):body.index("</h2>", body.index('<h2 class="title">'))]
    assert "<mark>Quadratic</mark>" in title and "<math" in title
