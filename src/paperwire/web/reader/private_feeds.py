"""Web: a member's private RSS/Atom feeds at secret URLs, and /settings/feeds to make them.

``/feeds/private/{key}/{for-you|following|searches}.{rss|atom}``: the key in the URL is the
only credential a feed reader can carry. A wrong or revoked key, or a disabled member's,
answers 404, the same as a URL that never existed. The answers are never kept by shared
caches (``Cache-Control: private, no-store``): they are one reader's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import Path, Request
from starlette.responses import Response

from paperwire.community.errors import NotFound
from paperwire.rank.for_you import recommend
from paperwire.reader import private_feeds
from paperwire.reader.follows import new_papers_by_followed
from paperwire.reader.saved_searches import new_matches, of_member
from paperwire.store import Catalog
from paperwire.store.browse import latest_listing_date
from paperwire.web.auth.forms import form_page
from paperwire.web.auth.viewer import require_viewer
from paperwire.web.community.common import api_router, db, page_router, policy
from paperwire.web.deps import get_search, get_settings
from paperwire.web.feeds.syndication import FEED_SIZE, FeedInfo, feed_response

pages = page_router()
api = api_router("private feeds")

Which = Literal["for-you", "following", "searches"]
FEEDS = {  # each feed: its title and what it holds
    "for-you": ("For you", "Recent papers ranked for you, from what you upvoted, saved and collected."),
    "following": ("Followed authors", "New papers by the authors you follow, newest first."),
    "searches": ("Saved searches", "New papers matching your saved searches."),
}


def feed_urls(request: Request, key: str) -> list[tuple[str, str, str]]:
    """(title, RSS URL, Atom URL) of each of the member's feeds."""
    base = get_settings(request).base_url.rstrip("/")
    return [(title, f"{base}/feeds/private/{key}/{which}.rss", f"{base}/feeds/private/{key}/{which}.atom")
            for which, (title, _) in FEEDS.items()]


@pages.get("/settings/feeds")
def feeds_page(request: Request) -> Response:
    member = require_viewer(request)
    return form_page(request, "reader/feeds.html", {
        "title": "Private feeds", "active": "settings",
        "key_info": private_feeds.key_info(db(request), policy(request), member)})


@pages.post("/settings/feeds/key")
def make_new_links(request: Request) -> Response:
    """New feed URLs, shown on this answer only (the key is kept hashed); the old ones stop working."""
    member = require_viewer(request)
    key = private_feeds.new_key(db(request), policy(request), member)
    return form_page(request, "reader/feeds.html", {
        "title": "Private feeds", "active": "settings", "urls": feed_urls(request, key),
        "key_info": private_feeds.key_info(db(request), policy(request), member)})


@pages.get("/feeds/private/{key}/{which}.{format}")
def private_feed(request: Request, key: Annotated[str, Path(max_length=128)], which: Which,
                 format: Literal["rss", "atom"]) -> Response:
    member = private_feeds.member_by_key(db(request), key)
    if member is None:
        raise NotFound("no such feed")
    settings = get_settings(request)
    until = latest_listing_date(Catalog(db(request)))
    if until is None:
        papers = []
    elif which == "for-you":
        feed = recommend(db(request), policy(request), get_search(request), member, limit=FEED_SIZE)
        papers = [item.paper for item in feed.items]
    else:
        window = {"since": until - timedelta(days=settings.for_you_window_days - 1), "until": until,
                  "limit": FEED_SIZE}
        found = (new_papers_by_followed(db(request), member.id, **window) if which == "following"
                 else new_matches(get_search(request), of_member(db(request), member.id), **window))
        papers = [paper for paper, _ in found]
    title, description = FEEDS[which]
    base = settings.base_url.rstrip("/")
    page = f"{base}/for-you" if which == "for-you" else f"{base}/settings/following"
    info = FeedInfo(title, description, page, f"{base}/feeds/private/{key}/{which}.{format}")
    response = feed_response(request, format, info, papers)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the URL is a secret: links out must not carry it
    return response

