"""Odd requests get clean answers: a 4xx that names the parameter, never a 500 or a leak.

Unicode digits, dates at the end of the calendar, HEAD, Accept-Encoding weights, a hostile
Host header, control characters; and on every response the security headers.
"""

from __future__ import annotations

import logging
import re

import pytest

from paperwire.web.http.content_encoding import accepts_gzip
from paperwire.web.http.security_headers import DATA_POLICY, PAGE_POLICY

PAPER = "2607.99002"


def assert_no_leak(body: str) -> None:
    assert "Traceback" not in body and 'File "' not in body


# ---- numbers: ASCII digits only ------------------------------------------------------------

PAGE_NUMBERS = ["/?page={}", "/trending?page={}", "/search?q=learning&page={}", "/categories/cs.LG?page={}",
                "/authors/Zo%C3%AB%20%C3%85ngstr%C3%B6m?page={}"]
API_NUMBERS = [("/api/v1/papers?limit={}", "limit"), ("/api/v1/papers?offset={}", "offset"),
               ("/api/v1/trending?limit={}", "limit"), ("/api/v1/categories/cs.LG/papers?offset={}", "offset"),
               ("/api/v1/search?q=learning&offset={}", "offset"),
               (f"/api/v1/papers/{PAPER}/similar?limit={{}}", "limit"),
               ("/api/daily_papers?p={}", "p"), ("/api/daily_papers?limit={}", "limit"),
               ("/api/papers/search?q=learning&limit={}", "limit")]
NOT_ASCII_DIGITS = ["²", "①", "١", "１", "+1", "1_0", " 1", "1.0"]  # superscript, circled, Arabic, full-width...


@pytest.mark.parametrize("number", NOT_ASCII_DIGITS)
@pytest.mark.parametrize("url", PAGE_NUMBERS)
def test_a_page_number_in_other_digits_is_a_400_page_naming_it(app_client, url, number):
    response = app_client.get(url.format(number))
    assert response.status_code == 400
    assert "That request is not quite right" in response.text and "page" in response.text
    assert_no_leak(response.text)


@pytest.mark.parametrize("number", NOT_ASCII_DIGITS)
@pytest.mark.parametrize(("url", "parameter"), API_NUMBERS)
def test_an_api_count_in_other_digits_is_a_400_naming_it(app_client, url, parameter, number):
    response = app_client.get(url.format(number))
    assert response.status_code == 400
    assert response.json() == {"parameter": parameter,
                               "error": f"{parameter}: must be a whole number written with the digits 0-9"}


def test_ascii_digits_still_work(app_client):
    assert app_client.get("/?page=1").status_code == 200
    assert len(app_client.get("/api/v1/papers?limit=2&offset=001").json()["items"]) == 2
    assert app_client.get("/api/daily_papers?p=0&limit=3").status_code == 200


# ---- the end of the calendar -------------------------------------------------------------

def test_the_last_week_of_year_9999_ends_on_the_last_day_there_is(app_client):
    page = app_client.get("/?date=9999-12-31&period=week")
    assert page.status_code == 200 and "Week 52, 9999 (27 Dec – 31 Dec)" in page.text
    assert 'href="/?date=2026-07-01&amp;period=week"' in page.text  # the latest week with papers
    for url in ("/api/v1/papers?week=9999-W52", "/api/v1/papers?date=9999-12-31", "/api/v1/papers?month=9999-12"):
        period = app_client.get(url).json()["period"]
        assert period["end"] == "9999-12-31" and period["previous_date"] == "2026-07-01", url
        assert period["next_date"] is None
    assert app_client.get("/api/daily_papers?week=9999-W52").json() == []


@pytest.mark.parametrize("url", ["/?date=0001-01-01&period=week", "/?date=0001-01-01&period=month",
                                 "/?date=9999-12-31&period=month", "/feeds/daily.rss?date=9999-12-31",
                                 "/search?q=learning&since=0001-01-01&until=9999-12-31",
                                 "/api/v1/search?q=learning&since=0001-01-01&until=9999-12-31",
                                 "/api/daily_papers?month=0001-01"])
def test_first_and_last_days_of_the_calendar_answer(app_client, url):
    response = app_client.get(url)
    assert response.status_code == 200, response.text[:300]


def test_a_week_past_the_calendar_is_a_400_saying_how_to_write_one(app_client):
    response = app_client.get("/api/v1/papers?week=9999-W53")
    assert response.status_code == 400 and response.json()["parameter"] == "week"
    assert "write it as YYYY-Www" in response.json()["error"]


# ---- HEAD --------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", "/trending", "/search?q=learning", f"/papers/{PAPER}", "/categories",
                                 "/api/v1/papers", f"/api/v1/papers/{PAPER}", "/api/daily_papers",
                                 f"/api/papers/{PAPER}", "/api/query?id_list=2607.99002", "/feeds/daily.rss",
                                 "/feeds/trending.atom", f"/papers/{PAPER}.bib", "/openapi.json", "/api/docs",
                                 "/static/style.css", "/healthz", "/papers/2401.99999"])
def test_head_answers_wherever_get_does_with_the_same_headers_and_no_body(app_client, url):
    got = app_client.get(url, headers={"accept-encoding": "identity"})
    head = app_client.head(url, headers={"accept-encoding": "identity"})
    assert head.status_code == got.status_code != 405
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "cache-control", "content-security-policy"):
        assert head.headers.get(name) == got.headers.get(name), name


# ---- Accept-Encoding -----------------------------------------------------------------------

@pytest.mark.parametrize(("header", "gzipped"), [
    ("gzip", True), ("gzip, deflate, br", True), ("GZIP;Q=0.5", True), ("*", True), ("x-gzip", True),
    ("gzip;q=0", False), ("gzip;q=0.0, identity", False), ("*, gzip;q=0", False), ("br, *;q=0", False),
    ("identity", False), ("", False), ("gzip;q=nonsense", False), ("deflate", False),
])
def test_accept_encoding_is_read_with_its_weights(header, gzipped):
    assert accepts_gzip(header) is gzipped


# A cached page (gzipped once, when cached), JSON, a feed.
@pytest.mark.parametrize("url", ["/", "/api/v1/papers", "/feeds/daily.rss"])
def test_gzip_refused_with_q_0_is_not_sent(app_client, url):
    refused = app_client.get(url, headers={"accept-encoding": "gzip;q=0, identity"})
    assert refused.status_code == 200 and "content-encoding" not in refused.headers
    assert int(refused.headers["content-length"]) == len(refused.content)
    wanted = app_client.get(url, headers={"accept-encoding": "gzip"})
    assert wanted.headers["content-encoding"] == "gzip" and "Accept-Encoding" in wanted.headers["vary"]
    assert wanted.content == refused.content  # httpx unpacked the gzip


# ---- the Host header is never trusted ------------------------------------------------------

HOSTILE_HOST = {"host": "evil.example"}


def test_api_next_and_previous_links_use_the_configured_base_url(app_client, web_home):
    body = app_client.get("/api/v1/papers?limit=2&offset=2", headers=HOSTILE_HOST).json()
    assert body["next"] == f"{web_home.base_url}/api/v1/papers?offset=4&limit=2"
    assert body["previous"] == f"{web_home.base_url}/api/v1/papers?offset=0&limit=2"


def test_redirects_never_point_at_the_host_header(app_client, web_home):
    slash = app_client.get("/trending/", headers=HOSTILE_HOST, follow_redirects=False)
    assert slash.status_code in (307, 308)
    assert slash.headers["location"] == f"{web_home.base_url}/trending"
    version = app_client.get(f"/papers/{PAPER}v2", headers=HOSTILE_HOST, follow_redirects=False)
    assert version.status_code == 301 and version.headers["location"] == f"/papers/{PAPER}"


@pytest.mark.parametrize("url", ["/feeds/daily.rss", "/api/query?id_list=2607.99002", f"/papers/{PAPER}.bib",
                                 "/api/v1/search?q=learning&limit=1", "/"])
def test_no_body_names_the_host_header(app_client, url):
    response = app_client.get(url, headers=HOSTILE_HOST)
    assert response.status_code == 200 and "evil.example" not in response.text


# ---- control characters and overlong text in page parameters ---------------------------------

@pytest.mark.parametrize(("url", "parameter"), [
    ("/search?q=a%00b", "q"), ("/search?q=a%01b", "q"), ("/search?q=a%C2%85b", "q"),
    ("/search?q=learning&author=x%07", "author"), ("/search?q=learning&category=cs%1bLG", "category"),
    ("/papers/2607%0099002", "paper_id"), ("/categories/cs%7fLG", "category"), ("/authors/Zo%00e", "name"),
])
def test_control_characters_in_a_page_parameter_are_refused_by_name(app_client, url, parameter):
    response = app_client.get(url)
    assert response.status_code == 400
    assert f"{parameter}: contains the control character U+" in response.text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", response.text)


def test_the_apis_refuse_control_characters_too(app_client):
    response = app_client.get("/api/v1/search?q=a%1bb")
    assert response.status_code == 400
    assert response.json() == {"parameter": "q", "error": "q: contains the control character U+001B"}


def test_a_search_page_refuses_a_query_longer_than_the_apis_take(app_client):
    words = "embedding " * 60  # 600 characters: the APIs' limit is 500
    response = app_client.get("/search", params={"q": words})
    assert response.status_code == 400 and "q: longer than 500 characters" in response.text
    assert words.strip() not in response.text  # not echoed
    assert app_client.get("/search", params={"q": words[:490]}).status_code == 200


@pytest.mark.parametrize(("url", "last"), [("/search?q=learning&page={}", 51), ("/?page={}", 201),
                                           ("/trending?page={}", 334)])
def test_pages_go_as_deep_as_the_apis_and_no_deeper(app_client, url, last):
    assert app_client.get(url.format(last)).status_code == 200
    deeper = app_client.get(url.format(last + 1))
    assert deeper.status_code == 400 and f"page must be between 1 and {last}" in deeper.text


# ---- security headers on every response ------------------------------------------------------

@pytest.mark.parametrize(("url", "policy"), [
    ("/", PAGE_POLICY), ("/search?q=learning", PAGE_POLICY), ("/no/such/page", PAGE_POLICY),
    ("/?page=x", PAGE_POLICY), ("/static/favicon.svg", PAGE_POLICY),
    ("/api/v1/papers", DATA_POLICY), ("/api/v1/papers/2401.99999", DATA_POLICY),
    ("/api/v1/papers?limit=0", DATA_POLICY),
    ("/api/daily_papers", DATA_POLICY), ("/api/query?id_list=2607.99002", DATA_POLICY),
    ("/feeds/daily.rss", DATA_POLICY), ("/feeds/search.atom?q=learning", DATA_POLICY),
    (f"/papers/{PAPER}.bib", DATA_POLICY), (f"/papers/{PAPER}.ris", DATA_POLICY),
    ("/api/v1/search/export?q=learning&format=ris", DATA_POLICY), ("/openapi.json", DATA_POLICY),
    ("/static/style.css", DATA_POLICY), ("/healthz", DATA_POLICY),
])
def test_every_response_carries_the_security_headers(app_client, url, policy):
    response = app_client.get(url)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["content-security-policy"] == policy


def test_a_not_modified_answer_leaves_the_cached_pages_policy_alone(app_client):
    etag = app_client.get("/categories").headers["etag"]
    again = app_client.get("/categories", headers={"if-none-match": etag})
    assert again.status_code == 304 and "content-security-policy" not in again.headers
    assert again.headers["x-content-type-options"] == "nosniff"


# ---- the API docs work offline ----------------------------------------------------------------

def test_api_docs_load_everything_from_this_site(app_client):
    response = app_client.get("/api/docs")
    assert response.status_code == 200 and response.headers["content-security-policy"] == PAGE_POLICY
    body = response.text
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', body)
    assert len(assets) >= 4  # the stylesheet, the icon, Swagger UI and what starts it
    assert all(url.startswith("/") and not url.startswith("//") for url in assets), assets
    assert not re.search(r"https?://", body)
    assert "<script>" not in body  # no inline script: the policy would block it
    for url in assets:
        asset = app_client.get(url)
        assert asset.status_code == 200 and asset.content, url
    assert "SwaggerUIBundle" in app_client.get(next(u for u in assets if "api-docs" in u)).text
    assert app_client.get("/openapi.json").json()["paths"]["/api/v1/papers"]


# ---- a 500 is answered, and logged once ---------------------------------------------------------

def test_an_unexpected_error_is_logged_once_and_answered_without_its_details(web_home, caplog):
    from fastapi.testclient import TestClient

    from paperwire.web.app import create_app

    app = create_app(web_home)

    @app.get("/api/v1/explode")
    @app.get("/explode")
    def explode():
        raise RuntimeError("the secret at /etc/paperwire")

    # raise_server_exceptions: an exception the app re-raised (for the server to log again) fails here.
    with TestClient(app) as client, caplog.at_level(logging.INFO):
        api, page = client.get("/api/v1/explode"), client.get("/explode")
    assert api.status_code == 500 and api.json() == {"detail": "internal error"}
    assert page.status_code == 500 and "Something broke on our side" in page.text
    for response in (api, page):
        assert "secret" not in response.text
        assert response.headers["x-content-type-options"] == "nosniff"
    tracebacks = [record for record in caplog.records if record.exc_info]
    assert [record.getMessage() for record in tracebacks] == ["error serving /api/v1/explode",
                                                               "error serving /explode"]
