"""The native JSON API (/api/v1): shapes, stable pagination, errors, hostile input, OpenAPI."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

LATEST_DAY = "2026-07-01"
MOST_UPVOTED = "2607.99002"  # 40 upvotes on Hugging Face (its source's count), set by the web fixtures
HOSTILE_VALUES = [
    "' OR 1=1 --",
    "1; DROP TABLE papers; --",
    "%' UNION SELECT * FROM papers --",
    "<script>alert(1)</script>",
    "\u202e\u0000\ufeff\ud7ff",
    "🚀" * 300,
    "x" * 20_000,
    "../../etc/passwd",
    "${jndi:ldap://x}",
]


def _needs_search(app_client):
    if app_client.app.state.search is None:
        pytest.skip("paperwire.search is not part of this build yet")


def _walk_pages(client, url: str) -> tuple[list[str], int]:
    ids: list[str] = []
    total = None
    while url:
        body = client.get(url).json()
        total = body["total"] if total is None else total
        assert body["total"] == total
        ids += [item["id"] if "id" in item else item["paper"]["id"] for item in body["items"]]
        url = body["next"]
    return ids, total


def test_papers_of_latest_day_most_upvoted_first(app_client):
    body = app_client.get("/api/v1/papers").json()
    assert body["period"]["kind"] == "day" and body["period"]["start"] == LATEST_DAY
    assert body["period"]["previous_date"] == "2026-06-30" and body["period"]["next_date"] is None
    first = body["items"][0]
    assert first["id"] == MOST_UPVOTED and (first["upvotes"], first["source_upvotes"]) == (0, 40)  # none here yet
    assert all(item["listing_date"] == LATEST_DAY for item in body["items"])
    first = body["items"][0]
    assert first["url"].endswith(f"/papers/{MOST_UPVOTED}")
    assert first["abs_url"] == f"https://arxiv.org/abs/{MOST_UPVOTED}"


def test_pages_are_stable_and_complete(app_client):
    whole = app_client.get("/api/v1/papers", params={"month": "2026-06", "limit": 100}).json()
    ids, total = _walk_pages(app_client, "/api/v1/papers?month=2026-06&limit=4")
    assert total == whole["total"] > 8
    assert ids == [item["id"] for item in whole["items"]]  # same order, no overlap, no gap
    assert len(set(ids)) == len(ids)
    again, _ = _walk_pages(app_client, "/api/v1/papers?month=2026-06&limit=4&sort=newest")
    assert sorted(again) == sorted(ids)


def test_week_and_month_periods(app_client):
    week = app_client.get("/api/v1/papers", params={"week": "2026-W27"}).json()
    assert (week["period"]["start"], week["period"]["end"]) == ("2026-06-29", "2026-07-05")
    assert {item["listing_date"] for item in week["items"]} <= {"2026-06-29", "2026-06-30", LATEST_DAY}
    month = app_client.get("/api/v1/papers", params={"month": "2026-06", "category": "cs.LG"}).json()
    assert all("cs.LG" in item["categories"] for item in month["items"])


@pytest.mark.parametrize("params, parameter", [
    ({"date": "2026-13-45"}, "date"),
    ({"date": "yesterday"}, "date"),
    ({"date": "9" * 5000}, "date"),
    ({"week": "2026-W60"}, "week"),
    ({"month": "2026-13"}, "month"),
    ({"date": LATEST_DAY, "week": "2026-W27"}, "week"),
    ({"limit": "0"}, "limit"),
    ({"limit": "100000"}, "limit"),
    ({"limit": "abc"}, "limit"),
    ({"offset": "-1"}, "offset"),
    ({"offset": "99999999"}, "offset"),
    ({"sort": "random()"}, "sort"),
])
def test_bad_parameters_answer_400_naming_the_parameter(app_client, params, parameter):
    response = app_client.get("/api/v1/papers", params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["parameter"] == parameter and body["error"].startswith(parameter)
    assert len(response.text) < 1000  # the bad value is not echoed back in full


def test_one_paper_with_or_without_version(app_client):
    body = app_client.get(f"/api/v1/papers/{MOST_UPVOTED}").json()
    assert body["id"] == MOST_UPVOTED and body["authors"] == ["Émile Durand", "李小龙"]
    assert app_client.get(f"/api/v1/papers/{MOST_UPVOTED}v1").json()["id"] == MOST_UPVOTED
    missing = app_client.get("/api/v1/papers/2601.99999")
    assert missing.status_code == 404 and missing.json()["parameter"] == "paper_id"


def test_hostile_paper_text_is_plain_json(app_client):
    body = app_client.get("/api/v1/papers/2607.99001").json()
    assert body["title"].startswith("<script>alert(1)</script>")
    assert "https://github.com/example/hostile-code" in body["code_links"]


def test_categories_and_category_papers(app_client):
    items = app_client.get("/api/v1/categories").json()["items"]
    counts = {item["name"]: item["count"] for item in items}
    assert counts["cs.LG"] >= 2
    assert [item["count"] for item in items] == sorted(counts.values(), reverse=True)
    ids, total = _walk_pages(app_client, "/api/v1/categories/cs.LG/papers?limit=3")
    assert len(ids) == total == counts["cs.LG"] and len(set(ids)) == total
    assert app_client.get("/api/v1/categories/no.such/papers").json()["total"] == 0


def test_author_papers_ignore_case_and_accents(app_client):
    for name in ("Zoë Ångström", "zoe angstrom"):
        body = app_client.get(f"/api/v1/authors/{name}/papers").json()
        assert [item["id"] for item in body["items"]] == ["2607.99001"]


def test_trending(app_client):
    body = app_client.get("/api/v1/trending", params={"limit": 5}).json()
    assert len(body["items"]) == 5 and body["total"] >= 5 and body["next"]


def test_search_with_filters_and_pages(app_client):
    _needs_search(app_client)
    body = app_client.get("/api/v1/search", params={"q": "quadratic bounds", "limit": 3}).json()
    assert body["items"][0]["paper"]["id"] == MOST_UPVOTED
    assert {"score", "title_html", "snippet_html"} <= set(body["items"][0])
    ids, total = _walk_pages(app_client, "/api/v1/search?q=learning&limit=5&sort=newest")
    assert len(ids) == len(set(ids)) == min(total, len(ids))
    only = app_client.get("/api/v1/search", params={"q": "learning", "category": "cs.CR"}).json()
    assert all("cs.CR" in item["paper"]["categories"] for item in only["items"])
    assert app_client.get("/api/v1/search", params={"q": "  "}).status_code == 400
    assert app_client.get("/api/v1/search", params={"q": "x", "since": "2026-02-30"}).json()["parameter"] == "since"


def test_similar_and_exports(app_client):
    paper = app_client.get(f"/api/v1/papers/{MOST_UPVOTED}/export", params={"format": "ris"})
    assert paper.status_code == 200 and paper.text.startswith("TY  - ELEC")
    assert "research-info-systems" in paper.headers["content-type"]
    bib = app_client.get(f"/papers/{MOST_UPVOTED}.bib")
    assert bib.status_code == 200 and bib.text.startswith("@misc{durand2026quadratic,")
    assert app_client.get(f"/papers/{MOST_UPVOTED}.ris").text.endswith("ER  - \n")
    assert app_client.get("/papers/2601.99999.bib").status_code == 404
    _needs_search(app_client)
    similar = app_client.get(f"/api/v1/papers/{MOST_UPVOTED}/similar", params={"limit": 3}).json()
    assert 0 < len(similar["items"]) <= 3
    assert MOST_UPVOTED not in [hit["paper"]["id"] for hit in similar["items"]]
    export = app_client.get("/api/v1/search/export", params={"q": "learning", "format": "bibtex", "limit": 5})
    assert export.status_code == 200 and export.text.count("@misc{") == 5


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_input_never_breaks_an_endpoint(app_client, value):
    segment = quote(value[:300], safe="")
    probes = [
        ("/api/v1/papers", {"date": value}), ("/api/v1/papers", {"category": value}),
        ("/api/v1/search", {"q": value}), ("/api/v1/search", {"q": "x", "author": value}),
        ("/api/v1/categories/" + segment + "/papers", {}), ("/api/v1/authors/" + segment + "/papers", {}),
        ("/api/v1/papers/" + segment, {}), ("/api/v1/papers/" + segment + "/export", {}), ("/api/v1/papers", {"week": value, "month": value}),
    ]
    for path, params in probes:
        response = app_client.get(path, params=params)
        assert response.status_code in (200, 400, 404, 503), (path, response.status_code, response.text[:300])
        assert response.headers["content-type"].startswith("application/json")
    assert app_client.get("/api/v1/papers").status_code == 200  # the catalog is intact


def test_openapi_documents_the_api(app_client):
    schema = app_client.get("/openapi.json").json()
    for path in ("/api/v1/papers", "/api/v1/search", "/api/v1/trending", "/api/v1/categories",
                 "/api/v1/papers/{paper_id}", "/api/v1/papers/{paper_id}/similar", "/api/daily_papers", "/api/query"):
        assert path in schema["paths"], path
    paper = schema["components"]["schemas"]["PaperOut"]["properties"]
    assert paper["listing_date"]["description"] and paper["id"]["examples"]
    responses = schema["paths"]["/api/v1/papers"]["get"]["responses"]
    assert "400" in responses and "422" not in responses
    assert schema["components"]["schemas"]["ErrorBody"]["properties"]["parameter"]["description"]


def test_live_server_json_api(live_server, web_home):
    response = httpx.get(f"{live_server}/api/v1/papers", params={"limit": 2})
    assert response.status_code == 200 and len(response.json()["items"]) == 2
    assert response.json()["next"].startswith(web_home.base_url)  # the configured address, not the Host
