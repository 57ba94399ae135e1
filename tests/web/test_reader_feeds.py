"""Private feeds at secret URLs: made on /settings/feeds, read with feedparser, private to their
member, gone once new links are made or the account is disabled, and never kept by shared caches."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import feedparser
import pytest
from community_site import arxiv, make_site, post_form, site  # noqa: F401 (fixtures)

from paperwire.accounts import users
from paperwire.search import build_indexes

_FEED_URL = re.compile(r"<code class=\"token\">(https?://[^<]+/feeds/private/[^<]+)</code>")


@pytest.fixture
def indexed_site(site):
    build_indexes(site.settings, site.catalog, progress=False)
    return site


def feed_links(browser) -> dict[str, str]:
    """Make new feed links from the settings page: {"following.rss": URL, ...}."""
    answer = post_form(browser, "/settings/feeds", "/settings/feeds/key")
    assert answer.status_code == 200 and "shown this once" in answer.text
    return {url.rsplit("/", 1)[1]: url for url in _FEED_URL.findall(answer.text)}


def read(browser, url: str):
    """Fetch a feed as a feed reader does (no cookies): (response, the parsed feed or None)."""
    response = browser.get(urlsplit(url).path)
    return response, feedparser.parse(response.content) if response.status_code == 200 else None


def test_each_member_reads_their_own_followed_authors_and_saved_searches(indexed_site):
    ann, bob = indexed_site.signed_in("ann"), indexed_site.signed_in("bob")
    post_form(ann, "/welcome", "/welcome/authors", authors="Ann Lee")
    post_form(bob, "/settings/following", "/saved-searches", query="sparse mixtures")
    ann_links, bob_links = feed_links(ann), feed_links(bob)
    assert sorted(ann_links) == ["following.atom", "following.rss", "for-you.atom", "for-you.rss",
                                 "searches.atom", "searches.rss"]
    visitor = indexed_site.browser()  # a feed reader: no cookies
    response, feed = read(visitor, ann_links["following.rss"])
    assert response.headers["cache-control"] == "private, no-store"
    assert {e.title for e in feed.entries} == {"Attention with Fewer Heads", "Sparse Mixtures Revisited",
                                               "Imported With Votes"}  # the last days' papers by Ann Lee
    assert feed.feed.title.endswith("Followed authors")
    _, bobs = read(visitor, bob_links["searches.atom"])
    assert [e.title for e in bobs.entries] == ["Sparse Mixtures Revisited"]
    _, anns = read(visitor, ann_links["searches.atom"])
    assert anns.entries == []  # bob's saved search is not ann's
    _, bobs_authors = read(visitor, bob_links["following.rss"])
    assert bobs_authors.entries == []


def test_the_for_you_feed_answers_with_recommendations(indexed_site):
    ann = indexed_site.signed_in("ann")
    response, feed = read(indexed_site.browser(), feed_links(ann)["for-you.atom"])
    assert response.status_code == 200 and feed.feed.title.endswith("For you") and not feed.bozo


def test_new_links_revoke_the_old_ones(site):
    ann = site.signed_in("ann")
    old = feed_links(ann)["following.rss"]
    new = feed_links(ann)["following.rss"]
    assert old != new
    assert read(site.browser(), old)[0].status_code == 404
    assert read(site.browser(), new)[0].status_code == 200
    assert "They cannot be shown again" in ann.get("/settings/feeds").text
    assert new.split("/")[-2] not in ann.get("/settings/feeds").text


def test_a_wrong_key_or_a_disabled_members_key_answers_404(site):
    ann = site.signed_in("ann")
    url = feed_links(ann)["following.rss"]
    key = url.split("/")[-2]
    visitor = site.browser()
    assert visitor.get(f"/feeds/private/{key[:-2]}xx/following.rss").status_code == 404
    assert visitor.get(f"/feeds/private/{key}/everything.rss").status_code in (404, 422)
    users.disable(site.db, site.member_named("ann").id)
    assert read(visitor, url)[0].status_code == 404


def test_making_links_is_a_csrf_protected_post(site):
    ann = site.signed_in("ann")
    assert ann.post("/settings/feeds/key", follow_redirects=False).status_code == 403
    assert ann.get("/settings/feeds/key").status_code in (404, 405)
    assert "You have no private feed links yet" in ann.get("/settings/feeds").text


def test_a_saved_searches_feed_before_the_site_has_a_search_index_says_what_is_missing(site):
    ann = site.signed_in("ann")
    post_form(ann, "/settings/following", "/saved-searches", query="sparse mixtures")
    response, _ = read(site.browser(), feed_links(ann)["searches.rss"])
    assert response.status_code == 503
    assert "run `paperwire index`" in response.json()["error"]
