"""arXiv API query paging and RSS listings against a real local server."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from paperwire.harvest.api import ApiQuery, harvest_api
from paperwire.harvest.rss import FeedQuery, check_categories, harvest_rss
from paperwire.store.schema import import_runs

from .harvest_support import Reply, Script, ok

QUERY = "cat:cs.CL AND ti:embedding"


def by_start(seen) -> str:
    return f"start={seen.params.get('start')}"


def api_query(server, **fields) -> ApiQuery:
    return ApiQuery(api_url=server.url + "/api/query", search_query=QUERY, **fields)


def test_api_pages_until_total_results(server, client, catalog):
    server.respond = Script(by_start).on("start=0", ok("api_page1.xml")).on("start=2", ok("api_page2.xml"))
    report = harvest_api(catalog, client, api_query(server, page_size=2))
    assert report.exit_code == 0 and (report.pages, report.result.added) == (2, 3)
    assert [s.params for s in server.requests] == [
        {"search_query": QUERY, "start": str(start), "max_results": "2", "sortBy": "submittedDate",
         "sortOrder": "descending"} for start in (0, 2)]
    assert catalog.get("2512.04410").paper.version == 2


def test_api_stops_at_max_results(server, client, catalog):
    server.respond = Script(by_start).on("start=0", ok("api_page1.xml"))
    report = harvest_api(catalog, client, api_query(server, page_size=2, max_results=2))
    assert report.result.added == 2 and len(server.requests) == 1


def test_api_asks_only_for_what_is_left_of_max_results(server, client, catalog):
    server.respond = Script(by_start).on("start=0", ok("api_page1.xml")).on("start=2", ok("api_page2.xml"))
    harvest_api(catalog, client, api_query(server, page_size=2, max_results=3))
    assert [s.params["max_results"] for s in server.requests] == ["2", "1"]


def test_api_stops_at_an_empty_page(server, client, catalog):
    # The first page claims more results than the API then delivers.
    big_total = ok("api_page1.xml").body.replace(b">3</opensearch:totalResults>", b">50</opensearch:totalResults>")
    server.respond = Script(by_start).on("start=0", Reply(200, big_total)).on("start=2", ok("api_empty.xml"))
    report = harvest_api(catalog, client, api_query(server, page_size=2, max_results=None))
    assert report.exit_code == 0 and report.result.added == 2 and len(server.requests) == 2


def test_api_error_entry_stops_without_refetching(server, client, catalog):
    server.respond = Script(by_start).on("start=0", ok("api_error.xml"))
    report = harvest_api(catalog, client, api_query(server))
    assert report.exit_code == 2 and "incorrect id format" in report.fatal
    assert len(server.requests) == 1


def test_api_429_then_success(server, client, catalog, clock):
    server.respond = Script(by_start).on("start=0", Reply(429, headers=(("Retry-After", "7"),)), ok("api_page1.xml"))
    report = harvest_api(catalog, client, api_query(server, page_size=2, max_results=2))
    assert report.exit_code == 0 and clock.sleeps == [7.0]


def test_rss_feed_is_stored(server, client, catalog):
    server.respond = Script(lambda seen: seen.path).on("/rss/cs.CL+cs.LG", ok("rss_cs.CL+cs.LG.xml"))
    report = harvest_rss(catalog, client, FeedQuery(server.url + "/rss/", "cs.CL+cs.LG"))
    assert report.exit_code == 0 and report.result.added == 3
    paper = catalog.get("2601.00520").paper
    assert paper.listing_date.isoformat() == "2026-01-13" and paper.extra["announce_type"] == "new"
    with catalog.engine.connect() as conn:
        run = conn.execute(select(import_runs)).one()
    assert (run.status, run.format, run.origin) == ("done", "listing-feed", server.url + "/rss/cs.CL+cs.LG")


def test_rss_server_error_is_recorded(server, client, catalog):
    server.respond = Script(lambda seen: seen.path)  # 404
    report = harvest_rss(catalog, client, FeedQuery(server.url + "/rss", "cs.XX"))
    assert report.exit_code == 2 and "HTTP 404" in report.fatal
    assert catalog.stats()["errors"][0]["reason"] == report.fatal


@pytest.mark.parametrize("raw, clean", [("cs.CL", "cs.CL"), ("cs.CL+cs.LG", "cs.CL+cs.LG"), ("math", "math"),
                                        ("astro-ph.GA", "astro-ph.GA"), ("cs.CL cs.LG", "cs.CL+cs.LG")])
def test_category_lists(raw, clean):
    assert check_categories(raw) == clean


@pytest.mark.parametrize("raw", ["", "cs.CL/../x", "cs.CL,cs.LG", "https://evil"])
def test_bad_category_lists(raw):
    with pytest.raises(ValueError, match="e.g. cs.CL"):
        check_categories(raw)
