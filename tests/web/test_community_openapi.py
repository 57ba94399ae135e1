"""The community's JSON API is documented in /openapi.json, as the issue's contract names it."""

from __future__ import annotations

from community_site import arxiv, make_site, site  # noqa: F401 (fixtures)

CONTRACT = {
    "/api/v1/papers/{paper_id}/upvote": {"post", "delete"},
    "/api/v1/papers/{paper_id}/comments": {"get", "post"},
    "/api/v1/comments/{comment_id}": {"patch", "delete"},
    "/api/v1/comments/{comment_id}/report": {"post"},
    "/api/v1/submissions": {"post"},
    "/api/v1/me/library/{paper_id}": {"post", "delete"},
    "/api/v1/me/dismissed/{paper_id}": {"post", "delete"},
    "/api/v1/me/library": {"get"},
    "/api/v1/me/notes/{paper_id}": {"get", "put"},
    "/api/v1/me/collections": {"get", "post"},
    "/api/v1/users/{owner}/collections": {"get"},
    "/api/v1/users/{owner}": {"get"},
}


def test_every_community_route_of_the_contract_is_documented_with_its_errors(site):
    schema = site.browser().get("/openapi.json").json()
    for path, methods in CONTRACT.items():
        documented = schema["paths"].get(path, {})
        assert methods <= set(documented), path
        for method in methods:
            assert {"401", "403", "429"} <= set(documented[method]["responses"]), (path, method)
    comment = schema["components"]["schemas"]["CommentOut"]
    assert comment["properties"]["replies"]["items"]["$ref"].endswith("/CommentOut")  # threads nest
