"""The HTML pages: a day's papers, trending, search, a paper, categories, authors.

Every handler reads the catalog (and the search service), then renders one template.
Anonymous pages are cached per worker for a short time and sent with an ETag.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from urllib.parse import quote

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from paperwire.search import IndexMissing, SearchFilters
from paperwire.store import browse
from paperwire.store.catalog import StoredPaper
from paperwire.taxonomy import category_name
from paperwire.web.feeds import citations as exports
from paperwire.web.api.common import MAX_CATEGORY_CHARS, MAX_NAME_CHARS, MAX_OFFSET, WholeNumber, check_text
from paperwire.web.api.v1 import SEARCH_MAX_OFFSET
from paperwire.web.community.cards import cards_for
from paperwire.web.community.paper_page import paper_context
from paperwire.web.periods import PERIOD_KINDS, BadDate, parse_day, period_for
from paperwire.web.reader.follows import FollowButton, follow_button
from paperwire.web.reader.saved_searches import search_text
from paperwire.web.http.page_cache import cached_page
from paperwire.web.http.render import counted
from paperwire.web.http.templating import render_page

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

DAY_PAGE_SIZE = 50
LIST_PAGE_SIZE = 30
SEARCH_PAGE_SIZE = 20
SEARCH_CATEGORY_CHOICES = 150  # the largest categories, offered in the search form
SIMILAR_COUNT = 6
TRENDING_WINDOW_DAYS = 30
SEARCH_SORTS = {"relevance": "Relevance", "newest": "Newest", "upvotes": "Most upvoted"}


class PageError(Exception):
    """Shown to the reader as a friendly error page with this status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _offset(page: int, size: int, max_offset: int = MAX_OFFSET) -> int:
    """The page's first position; pages go as deep as the APIs do (deeper ones are not worth a query)."""
    last = max_offset // size + 1
    if not 1 <= page <= last:
        raise PageError(400, f"page must be between 1 and {last}")
    return (page - 1) * size


def _pager(page: int, size: int, total: int) -> dict:
    return {"page": page, "pages": max(1, -(-total // size)), "total": total}


def _day(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return parse_day(text)
    except BadDate as exc:
        raise PageError(400, f"{field}: {exc}") from None


# ---- front page -------------------------------------------------------------------------

@router.get("/")
@cached_page
def front(request: Request, date: str = "", period: str = "day", page: WholeNumber = 1):
    """The papers of one day (or the week / month around it), most upvoted first."""
    catalog = request.app.state.catalog
    featured = request.app.state.settings.front_page  # the day's listing and submissions, or submissions only
    if period not in PERIOD_KINDS:
        raise PageError(400, f"period must be one of {', '.join(PERIOD_KINDS)}")
    day = _day(date, "date") or browse.latest_listing_date(catalog, featured)
    if day is None:
        return render_page(request, "front.html", {"title": "No papers yet", "empty_catalog": True, "feeds": [],
                                                   "submissions_only": featured == "submissions"})
    shown = period_for(day, period)
    papers, total = browse.papers_in_period(
        catalog, shown.start, shown.end, sort="upvotes", featured=featured, limit=DAY_PAGE_SIZE,
        offset=_offset(page, DAY_PAGE_SIZE)
    )
    before, after = browse.neighbouring_dates(catalog, shown.start, shown.end, featured)
    feeds = [("Papers of " + day.isoformat(), f"/feeds/daily.rss?date={day.isoformat()}")]
    return render_page(request, "front.html", {
        "title": shown.label, "period": shown, "papers": papers, "pager": _pager(page, DAY_PAGE_SIZE, total),
        "previous_day": before, "next_day": after, "feeds": feeds, "cards": cards_for(request, papers),
    })


@router.get("/trending")
@cached_page
def trending(request: Request, page: WholeNumber = 1):
    """Recent papers by trending score."""
    catalog = request.app.state.catalog
    latest = browse.latest_listing_date(catalog)
    since = latest - timedelta(days=TRENDING_WINDOW_DAYS) if latest else None
    papers, total = browse.trending(catalog, since=since, limit=LIST_PAGE_SIZE, offset=_offset(page, LIST_PAGE_SIZE))
    return render_page(request, "listing.html", {
        "title": "Trending papers", "heading": "Trending papers",
        "intro": f"Papers of the last {TRENDING_WINDOW_DAYS} days of listings, most talked about first.",
        "papers": papers, "pager": _pager(page, LIST_PAGE_SIZE, total), "active": "trending",
        "feeds": [("Trending papers", "/feeds/trending.rss")], "cards": cards_for(request, papers),
    })


# ---- search -----------------------------------------------------------------------------

def _category_choices(request: Request) -> list[tuple[str, int]]:
    # A GROUP BY over the category index: computed once per worker every few minutes.
    cache = request.app.state.value_cache
    return cache.get_or_compute("category_counts", lambda: browse.category_counts(request.app.state.catalog))


def _category_options(request: Request, selected: str) -> Markup:
    """The search form's category <option>s, ``selected`` chosen (shown even when it has no papers)."""
    # 150 options, two escapes each, took a tenth of an uncached search page: written once per worker.
    choices = request.app.state.value_cache.get_or_compute("category_options", lambda: [
        (name, Markup('<option value="{0}">{0} ({1})</option>').format(name, count))
        for name, count in _category_choices(request)[:SEARCH_CATEGORY_CHOICES]])
    html = Markup("").join(Markup(str.replace(option, "<option ", "<option selected ", 1)) if name == selected
                           else option for name, option in choices)
    if selected and all(name != selected for name, _ in choices):
        html += Markup('<option value="{0}" selected>{0}</option>').format(selected)
    return html


@router.get("/search")
@cached_page
def search(request: Request, q: str = "", category: str = "", since: str = "", until: str = "",
           has_code: bool = False, author: str = "", sort: str = "relevance", page: WholeNumber = 1):
    """Search results with highlighted snippets, filters, sort and pages."""
    q = check_text("q", q)
    category = check_text("category", category, MAX_CATEGORY_CHARS)
    author = check_text("author", author, MAX_NAME_CHARS)
    if sort not in SEARCH_SORTS:
        raise PageError(400, f"sort must be one of {', '.join(SEARCH_SORTS)}")
    since_day, until_day = _day(since, "from"), _day(until, "to")
    if since_day and until_day and since_day > until_day:
        raise PageError(400, "the 'from' date is after the 'to' date")
    context = {
        "title": f"{q} – search" if q else "Search", "q": q, "category": category, "since": since, "until": until,
        "has_code": has_code, "author": author, "sort": sort, "sorts": SEARCH_SORTS,
        "category_options": _category_options(request, category), "hits": [], "pager": None, "notice": None,
        "feeds": [(f"Search: {q}", f"/feeds/search.rss?q={quote(q)}")] if q else [], "active": "search",
        "save_query": search_text(q, category, author, has_code),
    }
    offset = _offset(page, SEARCH_PAGE_SIZE, SEARCH_MAX_OFFSET)
    if not q:
        return render_page(request, "search.html", context)
    service = request.app.state.search
    filters = SearchFilters(
        categories=(category,) if category else (), since=since_day, until=until_day,
        authors=(author,) if author else (), has_code=True if has_code else None,
    )
    try:
        results = service.search(q, filters=filters, sort=sort, limit=SEARCH_PAGE_SIZE, offset=offset)
    except IndexMissing:
        context["notice"] = "The search index has not been built yet: run `paperwire index` on the server."
        return render_page(request, "search.html", context, status=503)
    context.update(hits=results.hits,
                   cards=cards_for(request, [hit.paper for hit in results.hits]),
                   pager=_pager(page, SEARCH_PAGE_SIZE, results.total), closest_by_meaning=results.closest_by_meaning)
    return render_page(request, "search.html", context)


# ---- one paper --------------------------------------------------------------------------

def bibtex_for(request: Request, stored: StoredPaper) -> str:
    # ~0.4 ms to write (its abstract read as TeX), the same for every reader of a revision: kept
    # per app (app.state.bibtex_entries), as doc ids are a catalog's own.
    return request.app.state.bibtex_entries.get_or_compute(
        (stored.doc_id, stored.revision), lambda: exports.bibtex(stored.paper), size=len)


def _similar(request: Request, stored: StoredPaper) -> list:
    service = request.app.state.search
    try:
        return service.similar(stored.paper.id, limit=SIMILAR_COUNT)
    except Exception:  # a missing or stale index must not take the paper page down
        log.warning("similar papers unavailable for %s", stored.paper.id, exc_info=True)
        return []


@router.get("/papers/{paper_id:path}")
@cached_page
def paper(request: Request, paper_id: str):
    """One paper: abstract with math, authors, links, similar papers, BibTeX."""
    stored = request.app.state.catalog.get(check_text("paper_id", paper_id, MAX_NAME_CHARS))
    if stored is None or stored.deleted:
        raise PageError(404, f"No paper {paper_id[:80]!r} here. Check the arXiv id, or search for its title.")
    if stored.paper.id != paper_id:  # 2401.00001v2, an arXiv URL...: one canonical address
        return RedirectResponse(f"/papers/{quote(stored.paper.id, safe='/')}", status_code=301)
    return render_page(request, "paper.html", {
        "title": stored.paper.display_title, "stored": stored, "p": stored.paper,
        "similar": _similar(request, stored), "bibtex": bibtex_for(request, stored),
        "feeds": [(f"New in {c}", f"/feeds/category/{quote(c)}.rss") for c in stored.paper.categories[:1]],
        **paper_context(request, stored),
    })


# ---- browsing -----------------------------------------------------------------------------

@router.get("/categories")
@cached_page
def categories(request: Request):
    return render_page(request, "categories.html", {
        "title": "Categories", "counts": _category_choices(request), "active": "categories", "feeds": [],
    })


@router.get("/categories/{category}")
@cached_page
def category(request: Request, category: str, page: WholeNumber = 1):
    category = check_text("category", category, MAX_CATEGORY_CHARS)
    papers, total = browse.papers_by_category(
        request.app.state.catalog, category, limit=LIST_PAGE_SIZE, offset=_offset(page, LIST_PAGE_SIZE)
    )
    if total == 0:
        raise PageError(404, f"No papers in category {category[:40]!r}.")
    named = f"{category_name(category)}: " if category_name(category) else ""
    return _paper_list(request, papers, total, page, title=category, heading=f"Papers in {category}",
                       intro=f"{named}{counted(total, 'paper')}, newest first.", active="categories",
                       feeds=[(f"New in {category}", f"/feeds/category/{quote(category)}.rss")],
                       follow=follow_button(request, "category", category))


@router.get("/authors/{name:path}")
@cached_page
def author(request: Request, name: str, page: WholeNumber = 1):
    name = check_text("name", name, MAX_NAME_CHARS)
    papers, total = browse.papers_by_author(
        request.app.state.catalog, name, limit=LIST_PAGE_SIZE, offset=_offset(page, LIST_PAGE_SIZE)
    )
    if total == 0:
        raise PageError(404, f"No papers by {name[:80]!r}.")
    return _paper_list(request, papers, total, page, title=name, heading=f"Papers by {name}",
                       intro=f"{counted(total, 'paper')}, newest first.", active=None, feeds=[],
                       follow=follow_button(request, "author", name))


def _paper_list(request: Request, papers, total: int, page: int, *, title: str, heading: str, intro: str,
                active: str | None, feeds: list, follow: FollowButton | None = None):
    return render_page(request, "listing.html", {
        "title": title, "heading": heading, "intro": intro, "papers": papers,
        "pager": _pager(page, LIST_PAGE_SIZE, total), "active": active, "feeds": feeds,
        "cards": cards_for(request, papers), "follow": follow,
    })


@router.get("/healthz")
def healthz() -> Response:
    return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})
