"""A path answered before goes straight to the route it went to the first time, and to no other.

Routers here overlap the way the site's do (a catch-all ``{id:path}`` after a more specific
route in an earlier router), so a remembered path that skipped ahead to the wrong router, or a
remembered 404 or 405, would answer differently the second time.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient

from paperwire.web.http.route_memo import MAX_PATH_CHARS, remember_routes


def _site() -> FastAPI:
    comments, papers, pages = APIRouter(), APIRouter(), APIRouter()

    @comments.get("/papers/{paper_id}/comments")
    def paper_comments(paper_id: str):
        return {"route": "comments", "paper": paper_id}

    @papers.get("/papers/{paper_id:path}", name="paper")
    def paper(paper_id: str):
        return {"route": "paper", "paper": paper_id}

    @papers.post("/papers/{paper_id}/upvote")
    def upvote(paper_id: str):
        return {"route": "upvote", "paper": paper_id}

    @pages.get("/link")
    def link(request: Request):  # url_for a route of another router
        return {"route": "link", "url": str(request.url_for("paper", paper_id="2501.00001"))}

    app = FastAPI()
    for router in (comments, papers, pages):
        app.include_router(router)
    remember_routes(app.router)
    return app


def test_each_path_is_answered_the_second_time_as_the_first():
    client = TestClient(_site())
    for path, route in [("/papers/2501.00001/comments", "comments"), ("/papers/2501.00001", "paper"),
                        ("/papers/2501.00001/v2/extra", "paper"), ("/papers/2501.00002/comments", "comments")]:
        first, second = client.get(path).json(), client.get(path).json()
        assert first == second and first["route"] == route


def test_a_path_remembered_for_one_method_is_routed_afresh_for_another():
    client = TestClient(_site())
    assert client.get("/papers/2501.00001/upvote").json()["route"] == "paper"  # the catch-all takes a GET
    assert client.post("/papers/2501.00001/upvote").json()["route"] == "upvote"
    assert client.get("/papers/2501.00001/upvote").json()["route"] == "paper"


def test_unknown_paths_and_wrong_methods_keep_their_answers():
    client = TestClient(_site())
    for _ in range(2):
        assert client.get("/nowhere").status_code == 404
        assert client.delete("/link").status_code == 405
    assert client.get("/link").json()["url"] == "http://testserver/papers/2501.00001"


def test_a_very_long_path_is_routed_without_being_kept():
    client = TestClient(_site())
    long_id = "x" * (MAX_PATH_CHARS + 1)
    for _ in range(2):
        assert client.get(f"/papers/{long_id}").json() == {"route": "paper", "paper": long_id}
