"""The arXiv query API: the search_query parser, and the real `arxiv` client against a live server."""

from __future__ import annotations

from datetime import datetime, timezone

import arxiv
import httpx
import pytest
from lxml import etree

from paperwire.web.arxiv_query import (
    BoolQuery,
    DateRange,
    FieldTerm,
    QuerySyntaxError,
    parse_id_list,
    parse_search_query,
    ranking_words,
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
    assert ranking_words(parse_search_query("ti:a AND (abs:b OR au:x) ANDNOT all:d")) == ["a", "b"]


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
