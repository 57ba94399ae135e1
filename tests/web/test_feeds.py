"""RSS and Atom feeds, read by feedparser from a live server: valid, stable guids, hostile text safe."""

from __future__ import annotations

from datetime import date

import feedparser
import httpx
import pytest

from paperwire.web.feeds.syndication import feed_links_for

MOST_UPVOTED = "2607.99002"
FEED_PATHS = ["/feeds/daily.{fmt}", "/feeds/daily.{fmt}?date=2026-06-30", "/feeds/trending.{fmt}",
              "/feeds/category/cs.LG.{fmt}"]
WITH_TEX = "2606.26100"  # its abstract: We present \textbf{HierBias} ... the \emph{context-conditioned bias probability}


def _parse(live_server: str, path: str):
    response = httpx.get(live_server + path)
    assert response.status_code == 200, response.text[:300]
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("path", FEED_PATHS)
def test_feeds_parse_cleanly(live_server, web_home, path, fmt):
    response, feed = _parse(live_server, path.format(fmt=fmt))
    assert response.headers["content-type"].startswith(f"application/{fmt}+xml")
    assert feed.version == ("rss20" if fmt == "rss" else "atom10")
    assert feed.feed.title.startswith(web_home.site_name)
    for entry in feed.entries:
        assert entry.id == entry.link and entry.link.startswith(web_home.base_url + "/papers/")
        assert entry.title and entry.published_parsed
    if fmt == "rss" and feed.entries:
        assert response.text.count('<guid isPermaLink="true">') == len(feed.entries)


def test_daily_feed_holds_the_day_with_hostile_text_intact(live_server, web_home):
    _, feed = _parse(live_server, "/feeds/daily.rss?date=2026-07-01")
    assert feed.entries[0].link == f"{web_home.base_url}/papers/{MOST_UPVOTED}"
    titles = {entry.link.rsplit("/", 1)[1]: entry.title for entry in feed.entries}
    # The title is text: feedparser sees the characters, not markup to run.
    assert titles["2607.99001"] == "<script>alert(1)</script> & $x<y$"
    assert "🚀" in titles[MOST_UPVOTED]
    entry = next(e for e in feed.entries if e.link.endswith("2607.99001"))
    assert [t.term for t in entry.tags] == ["cs.CR", "cs.LG"]


def test_guids_are_stable_between_fetches(live_server):
    first = [e.id for e in _parse(live_server, "/feeds/category/cs.LG.atom")[1].entries]
    second = [e.id for e in _parse(live_server, "/feeds/category/cs.LG.atom")[1].entries]
    assert first == second and len(set(first)) == len(first) > 0


def test_search_feed(live_server, app_client):
    if app_client.app.state.search is None:
        pytest.skip("paperwire.search is not part of this build yet")
    for fmt in ("rss", "atom"):
        _, feed = _parse(live_server, f"/feeds/search.{fmt}?q=quadratic+bounds")
        assert MOST_UPVOTED in {e.link.rsplit("/", 1)[1] for e in feed.entries}


def test_a_search_feed_whose_words_no_paper_holds_is_empty(live_server):
    for fmt in ("rss", "atom"):
        _, feed = _parse(live_server, f"/feeds/search.{fmt}?q=zzzzqqq")
        assert feed.entries == []


@pytest.mark.parametrize("path, parameter", [
    ("/feeds/daily.rss?date=2026-02-30", "date"), ("/feeds/daily.atom?date=' OR 1=1 --", "date"),
    ("/feeds/daily.json", "format"), ("/feeds/search.rss?q=", "q"), ("/feeds/search.atom?q=" + "x" * 5000, "q"),
])
def test_bad_feed_requests_answer_400(live_server, path, parameter):
    response = httpx.get(live_server + path)
    assert response.status_code == 400 and response.json()["parameter"] == parameter


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("category", ["cs.XX", "no.such", "<script>", "cs.LG' OR '1'='1", "\u202e🚀"])
def test_an_unknown_category_has_no_feed_as_it_has_no_page(live_server, category, fmt):
    response = httpx.get(f"{live_server}/feeds/category/{category}.{fmt}")
    assert response.status_code == 404
    assert response.json()["parameter"] == "category" and "/categories" in response.json()["error"]
    assert httpx.get(f"{live_server}/categories/{category}").status_code == 404
    assert httpx.get(f"{live_server}/feeds/category/%00.{fmt}").status_code == 400


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feed_items_are_plain_text_with_tex_macros_resolved(live_server, fmt):
    _, feed = _parse(live_server, f"/feeds/daily.{fmt}?date=2026-06-26")
    entry = next(e for e in feed.entries if e.link.endswith(WITH_TEX))
    assert "We present HierBias, a hierarchical" in entry.summary
    assert "the context-conditioned bias probability and" in entry.summary
    assert "\\textbf" not in entry.summary and "\\emph" not in entry.summary and "<strong>" not in entry.summary


def test_feed_links_for_pages():
    links = feed_links_for("daily", day=date(2026, 7, 1), base_url="http://x.org/")
    assert [(l.href, l.media_type) for l in links] == [
        ("http://x.org/feeds/daily.rss?date=2026-07-01", "application/rss+xml"),
        ("http://x.org/feeds/daily.atom?date=2026-07-01", "application/atom+xml")]
    assert feed_links_for("search", query="a&b c")[0].href == "/feeds/search.rss?q=a%26b+c"
    assert feed_links_for("category", category="cs.LG")[1].href == "/feeds/category/cs.LG.atom"
    assert feed_links_for("trending")[0].title == "Trending papers (RSS)"
    assert feed_links_for("search", query="  ") == [] and feed_links_for("author") == []
