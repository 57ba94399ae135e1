"""Web: following authors and categories. The Follow buttons on author and category pages,
/settings/following (what one follows and one's saved searches), and /api/v1/me/follows.

Every route acts on the viewer's own follows: none names another member.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Form, Path, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from paperwire.reader import follows, saved_searches
from paperwire.web.auth.viewer import current_viewer, require_viewer
from paperwire.web.community.common import api_router, back, db, page_router, policy
from paperwire.web.http.templating import page_response, render_page

pages = page_router()
api = api_router("follows")

NOTICES = {"followed": "Followed: their new papers come to your private feeds and digest.",
           "unfollowed": "No longer followed.",
           "search-saved": "Search saved: its new matches come to your private feeds and digest.",
           "search-removed": "Saved search removed."}
Kind = Literal["author", "category"]


@dataclass(frozen=True)
class FollowButton:
    """What an author's or category's page shows the signed-in viewer."""

    kind: str
    name: str
    following: bool


def follow_button(request: Request, kind: str, name: str) -> FollowButton | None:
    """The button for ``name``'s page; None for a visitor (the page may be cached for all)."""
    member = current_viewer(request)
    if member is None:
        return None
    return FollowButton(kind, name, follows.followed(db(request), member.id).follows(kind, name))


# ---- forms and the settings page --------------------------------------------------------

@pages.post("/follow")
def follow_form(request: Request, kind: str = Form(""), name: str = Form(""), on: bool = Form(True),
                next: str = Form("")) -> Response:
    """The Follow / Unfollow button: ``on`` says which the member wants."""
    if on:
        follows.follow(db(request), policy(request), current_viewer(request), kind, name)
    else:
        follows.unfollow(db(request), policy(request), current_viewer(request), kind, name)
    return back(next, "/settings/following", done="followed" if on else "unfollowed")


@pages.get("/settings/following")
def following_page(request: Request, done: str = "") -> Response:
    member = require_viewer(request)
    rendered = render_page(request, "reader/following.html", {
        "title": "Following", "active": "settings", "notice": NOTICES.get(done),
        "followed": follows.following(db(request), policy(request), member),
        "searches": saved_searches.mine(db(request), policy(request), member), "feeds": []})
    return page_response(request, rendered, cacheable=False)


# ---- JSON -------------------------------------------------------------------------------

class FollowIn(BaseModel):
    kind: Kind
    name: str = Field(description="An author's name as written on a paper (case and accents do not matter), "
                                  "or a category code.", examples=["Ann Lee", "cs.LG"])


class FollowedOut(BaseModel):
    authors: list[str] = Field(description="Followed authors, as written when followed.", examples=[["Ann Lee"]])
    categories: list[str] = Field(examples=[["cs.LG", "stat.ML"]])


def _followed_out(request: Request) -> FollowedOut:
    followed = follows.following(db(request), policy(request), current_viewer(request))
    return FollowedOut(authors=list(followed.authors.values()), categories=list(followed.categories.values()))


@api.get("/me/follows", response_model=FollowedOut, summary="The authors and categories one follows")
def my_follows(request: Request) -> FollowedOut:
    return _followed_out(request)


@api.post("/me/follows", response_model=FollowedOut, summary="Follow an author or a category (idempotent)")
def add_follow(request: Request, given: FollowIn) -> FollowedOut:
    follows.follow(db(request), policy(request), current_viewer(request), given.kind, given.name)
    return _followed_out(request)


@api.delete("/me/follows/{kind}/{name:path}", response_model=FollowedOut, summary="Stop following")
def remove_follow(request: Request, kind: Kind,
                  name: Annotated[str, Path(max_length=follows.MAX_NAME_CHARS, examples=["Ann Lee"])]) -> FollowedOut:
    follows.unfollow(db(request), policy(request), current_viewer(request), kind, name)
    return _followed_out(request)
