"""The For-you page and GET /api/v1/me/for-you on the indexed sample site (real vectors):
members' own feeds with reasons, the newcomer's prompt, "not interested" without JavaScript,
and refusals that name the parameter."""

from __future__ import annotations

import itertools

import pytest
from community_site import page_token

from auth.conftest import Site
from paperwire.accounts import tokens
from paperwire.store import Catalog

names = (f"reader{n}" for n in itertools.count())


@pytest.fixture(scope="module")
def indexed(web_home) -> Site:
    site = Site(web_home)
    yield site
    site.close()


def signed_in(site: Site):
    name = next(names)
    member = site.member(name)
    browser = site.browser()
    browser.sign_in(name)
    return member, browser


def script(site: Site, member, scope: str = "write"):
    token, _ = tokens.create_token(site.db, member, "script", scope)
    return site.browser(authorization=f"Bearer {token}")


def some_papers(site: Site, count: int) -> list[str]:
    return [p.paper.id for p in Catalog(site.db).by_doc_ids(range(1, count + 1))]


def test_anonymous_readers_are_sent_to_sign_in(indexed):
    response = indexed.browser().get("/for-you", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")
    assert indexed.browser().get("/api/v1/me/for-you").status_code == 401


def test_a_members_saves_shape_their_feed_only(indexed):
    ann, _ = signed_in(indexed)
    bob, _ = signed_in(indexed)
    saved = some_papers(indexed, 3)
    anns = script(indexed, ann)
    for paper_id in saved:
        assert anns.post(f"/api/v1/me/library/{paper_id}").json()["saved"] is True

    mine = script(indexed, ann, "read").get("/api/v1/me/for-you", params={"limit": 5}).json()
    bobs = script(indexed, bob, "read").get("/api/v1/me/for-you", params={"limit": 100}).json()

    assert mine["has_signals"] is True and len(mine["items"]) == 5
    assert all(any(r.startswith("close to ") for r in item["reasons"]) for item in mine["items"])
    assert not {item["paper"]["id"] for item in mine["items"]} & set(saved)
    assert mine["since"] <= mine["until"]
    assert bobs["has_signals"] is False
    assert set(saved) <= {item["paper"]["id"] for item in bobs["items"]}


def test_a_newcomers_page_shows_trending_papers_and_a_way_to_start(indexed):
    _, browser = signed_in(indexed)
    page = browser.get("/for-you")
    assert page.status_code == 200
    assert 'href="/welcome"' in page.text and "trending" in page.text
    assert 'class="reasons"' in page.text


def test_not_interested_without_javascript_takes_the_paper_off_the_page(indexed):
    member, browser = signed_in(indexed)
    script(indexed, member).post(f"/api/v1/me/library/{some_papers(indexed, 1)[0]}")
    first = script(indexed, member).get("/api/v1/me/for-you", params={"limit": 1}).json()["items"][0]["paper"]["id"]
    assert f'/papers/{first}/dismiss' in browser.get("/for-you").text

    answer = browser.post(f"/papers/{first}/dismiss", data={"csrf_token": page_token(browser, "/for-you"),
                                                           "on": "true", "next": "/for-you"}, follow_redirects=False)

    assert answer.status_code == 303 and answer.headers["location"] == "/for-you"
    assert f'/papers/{first}/dismiss' not in browser.get("/for-you").text


@pytest.mark.parametrize("query, parameter", [
    ("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"),
    ("since=2026-13-01", "since"), ("until=yesterday", "until"), ("since=" + "9" * 5000, "since"),
    ("since=2026-07-01&until=2026-06-01", "since"), ("since=1990-01-01&until=2026-06-01", "since"),
])
def test_odd_parameters_are_refused_naming_them(indexed, query, parameter):
    member, _ = signed_in(indexed)
    answer = script(indexed, member, "read").get(f"/api/v1/me/for-you?{query}")
    assert answer.status_code == 400, answer.text
    assert answer.json()["parameter"] == parameter


def test_the_openapi_schema_documents_the_route(indexed):
    schema = indexed.browser().get("/openapi.json").json()
    route = schema["paths"]["/api/v1/me/for-you"]["get"]
    assert {p["name"] for p in route["parameters"]} == {"limit", "since", "until"}
    assert "ForYouOut" in schema["components"]["schemas"]
