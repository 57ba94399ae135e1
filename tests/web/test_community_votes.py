"""Upvotes on the web: the ▲ form without JavaScript, the JSON API with tokens, this site's
count kept apart from Hugging Face's, and trending order in the APIs."""

from __future__ import annotations

import re

from community_site import TODAY, arxiv, both_site, make_site, post_form, site  # noqa: F401 (fixtures)

PAPER = "/papers/2612.00001"
API = "/api/v1/papers/2612.00001/upvote"


def _button(html: str, paper_id: str) -> tuple[str, str]:
    """(aria-pressed, count) of a paper's ▲ button on a page."""
    found = re.search(rf'action="/papers/{re.escape(paper_id)}/upvote".*?aria-pressed="(\w+)".*?'
                      r'data-count="upvotes">(\d+)<', html, re.S)
    assert found, f"no vote button for {paper_id}"
    return found.group(1), found.group(2)


def test_a_vote_without_javascript_comes_back_to_the_page_pressed_and_counted(both_site):
    ann = both_site.signed_in("ann")
    response = post_form(ann, "/", "/papers/2612.00001/upvote", on="true", next="/?page=1")
    assert (response.status_code, response.headers["location"]) == (303, "/?page=1")
    assert _button(ann.get("/").text, "2612.00001") == ("true", "1")
    assert both_site.paper("2612.00001").votes == 1

    post_form(ann, PAPER, "/papers/2612.00001/upvote", on="false", next=PAPER)
    assert _button(ann.get(PAPER).text, "2612.00001") == ("false", "0")
    assert both_site.paper("2612.00001").votes == 0


def test_voting_twice_through_the_form_counts_once(site):
    ann = site.signed_in("ann")
    for _ in range(2):
        post_form(ann, PAPER, "/papers/2612.00001/upvote", on="true")
    assert site.paper("2612.00001").votes == 1


def test_a_vote_form_never_sends_the_member_to_another_site(site):
    ann = site.signed_in("ann")
    response = post_form(ann, PAPER, "/papers/2612.00001/upvote", on="true", next="https://evil.example/")
    assert response.headers["location"] == PAPER


def test_a_script_votes_and_unvotes_with_a_write_token_and_each_call_is_idempotent(both_site):
    script = both_site.script(both_site.member("ann"))
    answers = [script.post(API).json(), script.post(API).json(), script.delete(API).json(), script.delete(API).json()]
    assert answers == [{"paper": "2612.00001", "upvotes": 1, "voted": True}] * 2 + \
                      [{"paper": "2612.00001", "upvotes": 0, "voted": False}] * 2


def test_each_member_counts_once(site):
    for name in ("ann", "bob", "cyd"):
        site.script(site.member(name)).post(API)
    assert site.browser().get("/api/v1/papers/2612.00001").json()["upvotes"] == 3


def test_a_read_token_cannot_vote(site):
    script = site.script(site.member("ann"), scope="read")
    response = script.post(API)
    assert response.status_code == 403
    assert "scope 'read'" in response.json()["error"]
    assert site.paper("2612.00001").votes == 0


def test_signed_out_votes_are_refused_and_people_are_sent_to_sign_in(site):
    assert site.browser().post(API).status_code == 401
    page = site.browser().get("/").text
    assert 'href="/signin?next=%2F"' in page  # the ▲ of a signed-out reader: a link, not a form
    assert 'action="/papers/2612.00001/upvote"' not in page


def test_a_signed_out_readers_vote_link_leads_back_to_the_page_it_is_on(site):
    # The same card, in the same state, on two pages: each link names its own page.
    front = site.browser().get("/").text
    dated = site.browser().get("/", params={"date": TODAY.isoformat()}).text

    assert 'href="/signin?next=%2F"' in front
    assert f'href="/signin?next=%2F%3Fdate%3D{TODAY.isoformat()}"' in dated and 'next=%2F"' not in dated


def test_an_unconfirmed_member_is_told_to_confirm_their_address(make_site, smtp_server):
    mailing = make_site(smtp_host=smtp_server.host, smtp_port=str(smtp_server.port))
    response = mailing.script(mailing.member("ann", verified=False)).post(API)
    assert response.status_code == 403
    assert "confirm your e-mail address" in response.json()["error"]


def test_votes_past_the_rate_limit_are_answered_429_with_retry_after(make_site):
    limited = make_site(limit_vote_per_account="2/minute")
    script = limited.script(limited.member("ann"))
    assert [script.post(API).status_code for _ in range(3)] == [200, 200, 429]
    assert int(script.post(API).headers["Retry-After"]) > 0


def test_hugging_faces_count_is_shown_apart_from_this_sites(site):
    site.script(site.member("ann")).post("/api/v1/papers/2612.00004/upvote")
    card = site.browser().get("/").text
    assert "42 on HF" in card and "Upvotes on Hugging Face, where this paper was imported from" in card
    page = site.browser().get("/papers/2612.00004").text
    assert "42 upvotes on Hugging Face, where this paper was imported from: counted apart from this site's" in page
    native = site.browser().get("/api/v1/papers/2612.00004").json()
    assert (native["upvotes"], native["source_upvotes"], native["num_comments"]) == (1, 42, 0)
    hub = site.browser().get("/api/papers/2612.00004").json()
    assert (hub["upvotes"], hub["sourceUpvotes"], hub["numComments"]) == (1, 42, 0)


def test_sort_trending_puts_the_liveliest_papers_first(site):
    """One vote each on today's, yesterday's and a ten-day-old paper, none on a fourth of today's.

    A vote weighs as much as a fresh listing, and a listing's weight halves every 36 hours:
    today's voted paper (1 + ~0.8) beats yesterday's (1 + ~0.5), which beats the old one
    (1 + ~0.01), which beats today's unvoted paper (~0.8)."""
    script = site.script(site.member("ann"))
    for paper_id in ("2612.00001", "2612.00002", "2612.00003"):
        script.post(f"/api/v1/papers/{paper_id}/upvote")
    hub = site.browser().get("/api/daily_papers", params={"sort": "trending"}).json()
    assert [item["paper"]["id"] for item in hub] == ["2612.00001", "2612.00002", "2612.00003", "2612.00004"]

    native = site.browser().get("/api/v1/papers", params={"date": TODAY.isoformat(), "sort": "trending"}).json()
    assert [p["id"] for p in native["items"]] == ["2612.00001", "2612.00004"]
    script.delete("/api/v1/papers/2612.00001/upvote")
    script.post("/api/v1/papers/2612.00004/upvote")  # a vote moves a paper up at once
    native = site.browser().get("/api/v1/papers", params={"date": TODAY.isoformat(), "sort": "trending"}).json()
    assert [p["id"] for p in native["items"]] == ["2612.00004", "2612.00001"]


def test_every_member_sees_their_own_marks_and_forms_on_the_same_cards(site):
    ann, bob = site.signed_in("ann"), site.signed_in("bob")
    post_form(ann, "/", "/papers/2612.00001/upvote", on="true")
    pages = {name: browser.get("/").text for name, browser in (("ann", ann), ("bob", bob))}
    assert _button(pages["ann"], "2612.00001") == ("true", "1")
    assert _button(pages["bob"], "2612.00001") == ("false", "1")  # the count is everyone's, the press ann's
    tokens = {name: set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) for name, page in pages.items()}
    assert len(tokens["ann"]) == len(tokens["bob"]) == 1  # every form on a page holds its reader's token
    assert tokens["ann"] != tokens["bob"]
