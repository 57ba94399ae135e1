"""Web: saved searches. "Save this search" on the search page, Remove on /settings/following,
and /api/v1/me/saved-searches. Every route acts on the viewer's own saved searches."""

from __future__ import annotations

from datetime import datetime

from fastapi import Form, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from paperwire.reader import saved_searches
from paperwire.web.auth.viewer import current_viewer
from paperwire.web.community.common import api_router, back, db, page_router, policy

pages = page_router()
api = api_router("saved searches")


def search_text(q: str, category: str = "", author: str = "", has_code: bool = False) -> str:
    """The search page's words and filters written as one query, as a saved search keeps it
    (its dates are left out: an alert is for what is new)."""
    parts = [q.strip()]
    if category:
        parts.append(f"cat:{category}")
    if author:
        parts.append(f'author:"{author}"')
    if has_code:
        parts.append("has:code")
    return " ".join(p for p in parts if p)


@pages.post("/saved-searches")
def save_search_form(request: Request, query: str = Form(""), next: str = Form("")) -> Response:
    saved_searches.add(db(request), policy(request), current_viewer(request), query)
    return back(next, "/settings/following", done="search-saved")


@pages.post("/saved-searches/{search_id}/remove")
def remove_search_form(request: Request, search_id: int, next: str = Form("")) -> Response:
    saved_searches.remove(db(request), policy(request), current_viewer(request), search_id)
    return back(next, "/settings/following", done="search-removed")


# ---- JSON -------------------------------------------------------------------------------

class SavedSearchIn(BaseModel):
    query: str = Field(description="In the search box's syntax, at most 500 characters.",
                       examples=["sparse autoencoder cat:cs.LG"])


class SavedSearchOut(BaseModel):
    id: int
    query: str = Field(examples=["sparse autoencoder cat:cs.LG"])
    created_at: datetime


def _out(saved: saved_searches.SavedSearch) -> SavedSearchOut:
    return SavedSearchOut(id=saved.id, query=saved.query, created_at=saved.created_at)


@api.get("/me/saved-searches", response_model=list[SavedSearchOut], summary="One's saved searches")
def my_saved_searches(request: Request) -> list[SavedSearchOut]:
    return [_out(s) for s in saved_searches.mine(db(request), policy(request), current_viewer(request))]


@api.post("/me/saved-searches", response_model=SavedSearchOut, status_code=201, summary="Save a search")
def add_saved_search(request: Request, given: SavedSearchIn) -> SavedSearchOut:
    return _out(saved_searches.add(db(request), policy(request), current_viewer(request), given.query))


@api.delete("/me/saved-searches/{search_id}", status_code=204, summary="Remove a saved search")
def remove_saved_search(request: Request, search_id: int) -> Response:
    saved_searches.remove(db(request), policy(request), current_viewer(request), search_id)
    return Response(status_code=204)
