"""The arXiv query API: the search_query parser, and the real `arxiv` client against a live server."""

from __future__ import annotations

from datetime import datetime, timezone

import arxiv
import httpx
import pytest
from lxml import etree

from paperwire.search.arxiv_query import (
    BoolQuery,
    DateRange,
    FieldTerm,
    QuerySyntaxError,
    parse_id_list,
    parse_search_query,
)

MOST_UPVOTED = "2607.99002"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ATOM = "{http://www.w3.org/2005/Atom}"


# ---- parser ----------------------------------------------------------------------------------

def test_parser_reads_fields_operators_and_parentheses():
    assert parse_search_query("au:del_maestro AND ti:checkerboard") == BoolQuery(
        "AND", FieldTerm("au", "del maestro"), FieldTerm("ti", "checkerboard"))
    assert parse_search_query('ti:"quantum computing" OR (cat:cs.CL ANDNOT abs:bert)') == BoolQuery(
        "OR", FieldTerm("ti", "quantum computing"),
        BoolQuery("ANDNOT", FieldTerm("cat", "cs.CL"), FieldTerm("abs", "bert")))
    # AND binds tighter than OR; side by side means AND; a bare word searches all fields.
    assert parse_search_query("a OR b c") == BoolQuery(
        "OR", FieldTerm("all", "a"), BoolQuery("AND", FieldTerm("all", "b"), FieldTerm("all", "c")))
    assert parse_search_query("submittedDate:[202301010600 TO 20231231]") == DateRange(
        "submittedDate", datetime(2023, 1, 1, 6, 0, tzinfo=timezone.utc),
        datetime(2023, 12, 31, 23, 59, tzinfo=timezone.utc))


@pytest.mark.parametrize("query", [
    "", "   ", "(", ")", "a)", "(a OR b", "ti:", "foo:bar", "AND x", "x AND", "x AND OR y", '"open quote',
    "submittedDate:x", "submittedDate:[2023 TO 2024]", "submittedDate:[20240101 TO 20230101]",
    "submittedDate:[20231345 TO 20240101]", "ti:[20230101 TO 20240101]", "(" * 40 + "a" + ")" * 40,
    " OR ".join(["x"] * 100), "a" * 5000,
])
def test_parser_rejects_malformed_queries(query):
    with pytest.raises(QuerySyntaxError):
        parse_search_query(query)


def test_id_list():
    assert parse_id_list("2401.00001v2, hep-th/9901001,2401.00001") == ["2401.00001", "hep-th/9901001"]
    with pytest.raises(QuerySyntaxError, match="incorrect id format for abc"):
        parse_id_list("2401.00001,abc")


# ---- the arxiv client against the live server --------------------------------------------------

@pytest.fixture(scope="module")
def client(live_server) -> arxiv.Client:
    client = arxiv.Client(page_size=5, delay_seconds=0, num_retries=0)
    client.query_url_format = f"{live_server}/api/query?{{}}"
    return client


def _ids(results) -> list[str]:
    return [result.get_short_id() for result in results]


def test_id_list_lookup(client):
    results = list(client.results(arxiv.Search(id_list=[MOST_UPVOTED, "2607.99001v1", "2601.99999"])))
    assert [r.get_short_id().split("v")[0] for r in results] == [MOST_UPVOTED, "2607.99001"]
    paper = results[0]
    assert paper.title.startswith("Quadratic bounds") and [a.name for a in paper.authors] == ["Émile Durand", "李小龙"]
    assert paper.primary_category == "math.CA" and paper.categories == ["math.CA", "cs.LG"]
    assert paper.pdf_url == f"http://arxiv.org/pdf/{MOST_UPVOTED}v1"
    assert results[1].comment == "Code at https://github.com/example/hostile-code"


def test_field_query_pages_through_every_match(client, app_client):
    total = app_client.get("/api/v1/categories/cs.LG/papers").json()["total"]
    search = arxiv.Search(query="cat:cs.LG", max_results=None, sort_by=arxiv.SortCriterion.SubmittedDate)
    results = list(client.results(search))  # pages of 5
    assert len(results) == total and len(set(_ids(results))) == total
    assert all("cs.LG" in r.categories for r in results)
    published = [r.published for r in results]
    assert published == sorted(published, reverse=True)


def test_boolean_queries_match_exactly(client):
    titled = list(client.results(arxiv.Search(query='ti:"long abstract"')))
    assert _ids(titled) and all("long abstract" in r.title.lower() for r in titled)
    both = list(client.results(arxiv.Search(query="cat:cs.LG AND au:durand", max_results=50)))
    assert [r.get_short_id().split("v")[0] for r in both] == [MOST_UPVOTED]
    without = list(client.results(arxiv.Search(query="cat:cs.LG ANDNOT au:durand", max_results=500)))
    assert MOST_UPVOTED not in {r.get_short_id().split("v")[0] for r in without} and without
    either = list(client.results(arxiv.Search(query="au:durand OR au:angstrom", max_results=50)))
    assert {r.get_short_id().split("v")[0] for r in either} == {MOST_UPVOTED, "2607.99001"}
    dated = list(client.results(arxiv.Search(query="submittedDate:[20260701 TO 20260701] AND cat:cs.CR")))
    assert "2607.99001" in {r.get_short_id().split("v")[0] for r in dated}


def test_relevance_search_returns_matches(client):
    results = list(client.results(arxiv.Search(query="all:quadratic", max_results=5)))
    assert _ids(results)[0].startswith(MOST_UPVOTED)


def test_opensearch_totals_and_paging(live_server):
    response = httpx.get(f"{live_server}/api/query", params={"search_query": "cat:cs.LG", "start": 2, "max_results": 3})
    feed = etree.fromstring(response.content)
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert feed.findtext(f"{OPENSEARCH}startIndex") == "2" and feed.findtext(f"{OPENSEARCH}itemsPerPage") == "3"
    assert int(feed.findtext(f"{OPENSEARCH}totalResults")) >= 3
    assert len(feed.findall(f"{ATOM}entry")) == 3


@pytest.mark.parametrize("params", [
    {"search_query": "ti:(unclosed"}, {"search_query": "foo:bar"}, {"id_list": "not-an-id"},
    {"search_query": "all:x", "start": "-1"}, {"search_query": "all:x", "max_results": "abc"},
    {"search_query": "all:x", "max_results": "100000"}, {"search_query": "all:x", "sortBy": "random"},
    {"search_query": "all:x", "sortOrder": "sideways"}, {"search_query": "x" * 20_000},
    {"search_query": "ti:\"unterminated"},
])
def test_malformed_requests_answer_one_atom_error_entry(live_server, params):
    response = httpx.get(f"{live_server}/api/query", params=params)
    assert response.status_code == 400
    entries = etree.fromstring(response.content).findall(f"{ATOM}entry")
    assert len(entries) == 1 and entries[0].findtext(f"{ATOM}title") == "Error"
    assert "/api/errors#" in entries[0].findtext(f"{ATOM}id") and entries[0].findtext(f"{ATOM}summary")


def test_the_client_reports_a_malformed_query(client):
    with pytest.raises(arxiv.HTTPError) as raised:
        list(client.results(arxiv.Search(id_list=["abc"])))
    assert raised.value.status == 400


@pytest.mark.parametrize("query", ["all:%", "all:_", "ti:' OR '1'='1", "au:\u202e\ufeff", "co:%%%", "' OR 1=1 --",
                                   "all:\\", "id:../../etc/passwd"])
def test_hostile_queries_are_answered_and_wildcards_stay_literal(live_server, query):
    response = httpx.get(f"{live_server}/api/query", params={"search_query": query})
    assert response.status_code == 200
    assert _total(live_server, query) < _total(live_server, "submittedDate:[19000101 TO 21000101]")


def _total(live_server, query) -> int:
    response = httpx.get(f"{live_server}/api/query", params={"search_query": query, "max_results": 0})
    return int(etree.fromstring(response.content).findtext(f"{OPENSEARCH}totalResults"))


def test_unicode_terms_match(live_server):
    response = httpx.get(f"{live_server}/api/query", params={"search_query": "all:🚀"})
    ids = [e.findtext(f"{ATOM}id") for e in etree.fromstring(response.content).findall(f"{ATOM}entry")]
    assert ids == [f"http://arxiv.org/abs/{MOST_UPVOTED}v1"]


def test_empty_query_is_an_empty_feed(client):
    assert list(client.results(arxiv.Search())) == []


def test_relevance_pages_do_not_overlap(client, live_server):
    whole = _ids(client.results(arxiv.Search(query="all:learning", max_results=None)))  # pages of 5
    assert len(whole) == len(set(whole)) == _total(live_server, "all:learning") > 5
    ascending = _ids(client.results(arxiv.Search(query="all:learning", max_results=None,
                                                  sort_order=arxiv.SortOrder.Ascending)))
    assert ascending == whole[::-1]


# ---- answered from the search index -------------------------------------------------------------

def _feed(app_client, **params) -> tuple[list[str], int]:
    """(entry ids without version, totalResults) of one /api/query answer."""
    response = app_client.get("/api/query", params=params)
    assert response.status_code == 200, response.text[:300]
    feed = etree.fromstring(response.content)
    ids = [e.findtext(f"{ATOM}id").rsplit("/", 1)[-1].split("v")[0] for e in feed.findall(f"{ATOM}entry")]
    return ids, int(feed.findtext(f"{OPENSEARCH}totalResults"))


def test_sixty_four_or_terms_answer_the_union_of_their_terms(app_client):
    present = ["quadratic", "learning", "durand", "angstrom", "abstract", "emoji", "language", "graph"]
    words = present + [f"zzabsent{n}" for n in range(64 - len(present))]
    search_query = " OR ".join(f"all:{word}" for word in words)
    union = set()
    for word in present:
        union |= set(_feed(app_client, search_query=f"all:{word}", max_results=2000)[0])
    for sort_by in ("relevance", "submittedDate", "lastUpdatedDate"):
        ids, total = _feed(app_client, search_query=search_query, sortBy=sort_by, max_results=2000)
        assert set(ids) == union and total == len(ids) == len(union) > 10


def test_date_sorts_page_in_both_orders(app_client):
    for sort_by in ("submittedDate", "lastUpdatedDate"):
        newest, total = _feed(app_client, search_query="cat:cs.*", sortBy=sort_by, max_results=2000)
        oldest, _ = _feed(app_client, search_query="cat:cs.*", sortBy=sort_by, sortOrder="ascending", max_results=2000)
        assert oldest == newest[::-1] and total == len(newest) > 10
        pages = [_feed(app_client, search_query="cat:cs.*", sortBy=sort_by, start=start, max_results=7)[0]
                 for start in range(0, total, 7)]
        assert sum(pages, []) == newest


def test_a_search_query_with_an_id_list_keeps_only_those_ids(app_client):
    ids, total = _feed(app_client, search_query="cat:cs.LG", id_list=f"{MOST_UPVOTED},2607.99003,2607.99001")
    assert set(ids) == {MOST_UPVOTED, "2607.99001"} and total == 2  # 2607.99003 is not in cs.LG


@pytest.mark.parametrize("name, value", [("start", "²"), ("max_results", "①"), ("start", "٣"), ("max_results", "1e3"),
                                         ("start", "+5"), ("max_results", "1_0")])
def test_only_ascii_digits_are_numbers(app_client, name, value):
    response = app_client.get("/api/query", params={"search_query": "all:quadratic", name: value})
    assert response.status_code == 400
    entry = etree.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary") == f"{name} must be a non-negative integer written with the digits 0-9"


@pytest.mark.parametrize("search_query", [
    "(" * 16 + "all:quadratic" + ")" * 16,  # as deep as the parser goes
    " OR ".join(f"all:{'q' * 20}{n:02d}" for n in range(64)),  # 64 terms, 1916 characters
    'all:a+b-c&d|e!f{g}h^i~j*k?l\\m/n:o', 'ti:c++ OR abs:x^2 OR co:"a~b" OR jr:{x} OR rn:a/b OR au:!!', "cat:cs.*?",
    "cat:[*", "cat:{.*}*", "id:*", "all:\u202e\u0000\ufeff", "ti:𝕏𝕐ℤ", "au:\u0301\u0301", "all:\ud7ff\ue000", "all:" + "é" * 400,
])
def test_hostile_queries_are_answered(app_client, search_query):
    for sort_by in ("relevance", "submittedDate"):
        response = app_client.get("/api/query", params={"search_query": search_query, "sortBy": sort_by})
        assert response.status_code == 200, response.text[:300]


@pytest.mark.parametrize("search_query", ["(" * 17 + "all:x" + ")" * 17, "all:x OR " * 300, "all:[x TO y]"])
def test_queries_beyond_the_limits_are_refused_with_a_reason(app_client, search_query):
    response = app_client.get("/api/query", params={"search_query": search_query})
    assert response.status_code == 400
    summary = etree.fromstring(response.content).find(f"{ATOM}entry").findtext(f"{ATOM}summary")
    assert any(reason in summary for reason in ("nested deeper than 16", "longer than 2000", "take a [FROM TO TO]"))


def test_without_a_search_index_queries_answer_503_and_id_lists_still_work(settings, catalog):
    from fastapi.testclient import TestClient

    from paperwire.paper import make_paper
    from paperwire.web.app import create_app

    catalog.store([make_paper(arxiv_id="2601.00001", title="Not indexed yet", categories=["cs.LG"], source="test")])
    with TestClient(create_app(settings)) as client:
        response = client.get("/api/query", params={"search_query": "all:indexed"})
        assert response.status_code == 503
        summary = etree.fromstring(response.content).find(f"{ATOM}entry").findtext(f"{ATOM}summary")
        assert "paperwire index" in summary
        assert _feed(client, id_list="2601.00001") == (["2601.00001"], 1)  # the catalog answers these
