"""A query whose words no paper holds: the page and the API say so, and offer the papers closest in meaning."""

from __future__ import annotations

import re

NONSENSE = "zzzzqqq"


def card_titles(body: str) -> list[str]:
    return re.findall(r'<h[23] class="title"><a href="/papers/([^"]+)"', body)


def test_the_page_says_no_paper_holds_the_words_and_shows_the_closest_by_meaning(app_client):
    body = app_client.get("/search", params={"q": NONSENSE}).text
    assert "No paper contains these words." in body
    heading = body.index("<h2>Closest by meaning</h2>")
    assert re.search(r"\d+ results?\b", body) is None  # no count pretending they match
    papers = card_titles(body)
    assert 0 < len(papers) <= 20 and body.index('class="card hit"') > heading
    assert '<h3 class="title">' in body  # the cards sit under that heading
    assert 'class="pager"' not in body


def test_the_page_names_the_filters_when_they_leave_nothing(app_client):
    body = app_client.get("/search", params={"q": f"{NONSENSE} learning", "category": "cs.XX"}).text
    assert "No paper contains these words within these filters." in body
    assert "Closest by meaning" not in body and "No papers match." in body  # the filters leave no paper at all


def test_words_that_match_keep_the_usual_count(app_client):
    body = app_client.get("/search", params={"q": "learning"}).text
    assert re.search(r'<p class="count" role="status">\d+ results</p>', body)
    assert "Closest by meaning" not in body


def test_the_api_says_the_words_matched_nothing_and_counts_only_what_it_serves(app_client):
    body = app_client.get("/api/v1/search", params={"q": NONSENSE, "limit": 50}).json()
    assert body["matched_words"] is False
    assert 0 < len(body["items"]) == body["total"] <= 20 and body["next"] is None
    page = app_client.get("/api/v1/search", params={"q": NONSENSE, "limit": 5}).json()
    assert page["total"] == body["total"] and page["next"]
    assert app_client.get("/api/v1/search", params={"q": "learning"}).json()["matched_words"] is True


def test_keyword_mode_answers_nothing_for_words_no_paper_holds(app_client):
    body = app_client.get("/api/v1/search", params={"q": NONSENSE, "mode": "keyword"}).json()
    assert body["items"] == [] and body["total"] == 0 and body["matched_words"] is False
