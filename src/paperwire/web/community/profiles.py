"""A member's profile: /users/{name} and ``GET /api/v1/users/{name}``: their confirmed papers
(verified), public collections and recent comments. Nothing private is on it."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from paperwire.community import members
from paperwire.links import paper_path, site_url
from paperwire.web.auth.viewer import current_viewer
from paperwire.web.community.claims import ClaimOut, claim_out
from paperwire.web.community.collections import CollectionOut, Owner, collection_path, collection_out
from paperwire.web.community.common import api_router, db, page_router, policy
from paperwire.web.deps import get_settings
from paperwire.web.http.templating import page_response, render_page

pages = page_router()
api = api_router("profiles")


class RecentCommentOut(BaseModel):
    id: int
    paper: str = Field(examples=["2607.01234"])
    paper_title: str
    body_html: str
    created_at: datetime
    url: str = Field(description="The comment on its paper's page.")


class ProfileOut(BaseModel):
    username: str = Field(examples=["ann"])
    role: str
    joined_at: datetime
    claims: list[ClaimOut] = Field(description="Papers confirmed as theirs (status approved); their own pending "
                                               "claims too when they ask.")
    collections: list[CollectionOut] = Field(description="Their public collections.")
    comments: list[RecentCommentOut] = Field(description="Their most recent comments, newest first.")


def _profile(request: Request, username: str) -> members.Profile:
    return members.profile(db(request), policy(request), current_viewer(request), username)


@pages.get("/users/{owner}")
def profile_page(request: Request, owner: Owner) -> Response:
    shown = _profile(request, owner)
    page = render_page(request, "community/profile.html", {
        "title": shown.username, "profile": shown, "path_of": collection_path, "paper_path": paper_path,
        "feeds": []})
    return page_response(request, page, cacheable=False)


@api.get("/users/{owner}", response_model=ProfileOut, summary="A member's profile")
def profile(request: Request, owner: Owner) -> ProfileOut:
    shown = _profile(request, owner)
    settings = get_settings(request)
    return ProfileOut(
        username=shown.username, role=shown.role, joined_at=shown.joined_at,
        claims=[claim_out(c) for c in shown.claims],
        collections=[collection_out(request, c) for c in shown.collections],
        comments=[RecentCommentOut(id=c.comment_id, paper=c.paper_id, paper_title=c.paper_title,
                                   body_html=c.body_html, created_at=c.created_at,
                                   url=site_url(settings, paper_path(c.paper_id)) + f"#comment-{c.comment_id}")
                  for c in shown.comments])
