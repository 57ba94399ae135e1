"""The native JSON API under /api/v1: everything the pages show, documented in the OpenAPI schema.

Lists are paged with ``limit``/``offset`` and answer ``total`` and ``next``/``previous`` URLs;
their order is stable (ties broken by catalog position). Errors are
``{"error": "...", "parameter": "..."}`` with status 400, 404 or 503.
"""

from __future__ import annotations

import inspect
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from paperwire.community.submissions import Submission, submissions_for
from paperwire.links import site_url
from paperwire.store import browse
from paperwire.store.catalog import StoredPaper
from paperwire.web.feeds import citations as exports
from paperwire.web.api.common import (
    ERROR_RESPONSES,
    INDEX_MISSING,
    MAX_CATEGORY_CHARS,
    MAX_NAME_CHARS,
    ApiError,
    JsonErrorRoute,
    WholeNumber,
    bad_parameter,
    check_offset,
    check_text,
    find_paper,
    json_answer,
    parse_date_param,
    requested_period,
    search_service,
)
from paperwire.web.api.v1_models import (
    CategoryList,
    CategoryOut,
    HitPage,
    PaperOut,
    PaperPage,
    PeriodOut,
    PeriodPage,
    SimilarOut,
    hit_out,
    paper_out,
)
from paperwire.web.deps import get_catalog, get_settings

router = APIRouter(prefix="/api/v1", tags=["papers"], route_class=JsonErrorRoute, responses=ERROR_RESPONSES)

SEARCH_MAX_OFFSET = 1000  # the search service ranks this deep at most (search.service.MAX_DEPTH)
TRENDING_WINDOW_DAYS = 30  # as the trending page: papers of the last month of listings
MAX_LIMIT = 100

Limit = Annotated[WholeNumber, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
Offset = Annotated[WholeNumber, Query(ge=0, description="Position of the first result to return (0-based).")]
PaperId = Annotated[str, Path(max_length=MAX_NAME_CHARS,
                              description="arXiv id (with or without version) or paperwire id.",
                              examples=["2607.01234"])]


def page_links(request: Request, total: int, limit: int, offset: int) -> dict:
    """total/limit/offset and next/previous URLs: this request's path and query with another offset,
    on the configured base URL."""
    settings = get_settings(request)

    def at(position: int) -> str:
        query = request.url.include_query_params(offset=position, limit=limit).query
        return site_url(settings, request.url.path, query)

    return {
        "total": total, "limit": limit, "offset": offset,
        "next": at(offset + limit) if offset + limit < total else None,
        "previous": at(max(0, offset - limit)) if offset > 0 else None,
    }


def submitted(request: Request, papers: list[StoredPaper]) -> dict[int, Submission]:
    """The daily-list submissions of ``papers``, by doc_id (one query for a page)."""
    return submissions_for(get_catalog(request).engine, [p.doc_id for p in papers])


def paper_page(request: Request, papers: list[StoredPaper], total: int, limit: int, offset: int) -> dict:
    settings = get_settings(request)
    by = submitted(request, papers)
    return {"items": [paper_out(settings, p, by.get(p.doc_id)) for p in papers],
            **page_links(request, total, limit, offset)}


# ---- periods, trending, categories, authors ---------------------------------------------

@router.get("/papers", response_model=PeriodPage, summary="Papers of a day, week or month")
def papers_of_period(
    request: Request,
    date: Annotated[str | None, Query(description="Day YYYY-MM-DD; default: the latest day with papers.",
                                      examples=["2026-07-01"])] = None,
    week: Annotated[str | None, Query(description="ISO week YYYY-Www.", examples=["2026-W27"])] = None,
    month: Annotated[str | None, Query(description="Month YYYY-MM.", examples=["2026-07"])] = None,
    sort: Annotated[Literal["upvotes", "newest", "trending"], Query(
        description="upvotes: this site's votes first; trending: the trending score (votes and comments, "
                    "decaying with time).")] = "upvotes",
    category: Annotated[str | None, Query(max_length=MAX_CATEGORY_CHARS,
                                          description="Only this arXiv category.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
):
    catalog = get_catalog(request)
    featured = get_settings(request).front_page  # what the front page shows: the listing, or submissions only
    period = requested_period(date, week, month)
    if period is None:
        latest = browse.latest_listing_date(catalog, featured)
        if latest is None:
            return {"period": None, "items": [], **page_links(request, 0, limit, offset)}
        period = requested_period(latest.isoformat(), None, None)
    papers, total = browse.papers_in_period(catalog, period.start, period.end, sort=sort,
                                            categories=[category] if category else (), featured=featured,
                                            limit=limit, offset=check_offset("offset", offset))
    before, after = browse.neighbouring_dates(catalog, period.start, period.end, featured)
    return {
        "period": PeriodOut(kind=period.kind, start=period.start, end=period.end, previous_date=before, next_date=after),
        **paper_page(request, papers, total, limit, offset),
    }


def trending_since(request: Request):
    latest = browse.latest_listing_date(get_catalog(request))
    return latest - timedelta(days=TRENDING_WINDOW_DAYS) if latest else None


@router.get("/trending", response_model=PaperPage, summary="Trending papers of the last 30 days of listings")
def trending(request: Request, limit: Limit = 30, offset: Offset = 0):
    papers, total = browse.trending(get_catalog(request), since=trending_since(request), limit=limit,
                                    offset=check_offset("offset", offset))
    return paper_page(request, papers, total, limit, offset)


@router.get("/categories", response_model=CategoryList, summary="Categories with their number of papers")
def categories(request: Request):
    counts = request.app.state.value_cache.get_or_compute(
        "category_counts", lambda: browse.category_counts(get_catalog(request)))
    return {"items": [CategoryOut(name=name, count=count, papers_url=f"/api/v1/categories/{name}/papers")
                      for name, count in counts]}


@router.get("/categories/{category}/papers", response_model=PaperPage, summary="Papers in a category, newest first")
def category_papers(
    request: Request,
    category: Annotated[str, Path(max_length=MAX_CATEGORY_CHARS, description="arXiv category.", examples=["cs.CL"])],
    limit: Limit = 30,
    offset: Offset = 0,
):
    papers, total = browse.papers_by_category(get_catalog(request), category, limit=limit,
                                              offset=check_offset("offset", offset))
    return paper_page(request, papers, total, limit, offset)


@router.get("/authors/{name}/papers", response_model=PaperPage, summary="Papers by an author, newest first")
def author_papers(
    request: Request,
    name: Annotated[str, Path(max_length=MAX_NAME_CHARS, description="Author name; case and accents are ignored.",
                              examples=["Kaiming He"])],
    limit: Limit = 30,
    offset: Offset = 0,
):
    papers, total = browse.papers_by_author(get_catalog(request), name, limit=limit,
                                            offset=check_offset("offset", offset))
    return paper_page(request, papers, total, limit, offset)


# ---- search -----------------------------------------------------------------------------

class SearchQuery:
    """The search parameters, shared by /search and /search/export."""

    def __init__(
        self,
        q: Annotated[str, Query(description="What to look for; matched by meaning and by words.",
                                examples=["embedding dimension"])],
        category: Annotated[list[str], Query(description="Only these categories (repeatable).",
                                             examples=[["cs.CL"]])] = [],  # noqa: B006 (FastAPI copies it)
        primary_only: Annotated[bool, Query(description="Match categories as primary category only.")] = False,
        since: Annotated[str | None, Query(description="Listed on or after YYYY-MM-DD.")] = None,
        until: Annotated[str | None, Query(description="Listed on or before YYYY-MM-DD.")] = None,
        author: Annotated[list[str], Query(description="Only papers by these authors (repeatable).")] = [],  # noqa: B006
        has_code: Annotated[bool | None, Query(description="true: only papers with code links; false: only without.")] = None,
        sort: Annotated[Literal["relevance", "newest", "upvotes"], Query(description="Order of results.")] = "relevance",
        mode: Annotated[Literal["hybrid", "keyword", "semantic"], Query(
            description="hybrid: words and meaning fused; keyword: words only; semantic: meaning only.")] = "hybrid",
    ):
        self.text = check_text("q", q)
        if not self.text:
            raise bad_parameter("q", "empty query; give some words to search for")
        if len(category) > 20 or len(author) > 20:
            raise bad_parameter("category" if len(category) > 20 else "author", "at most 20 values")
        self.categories = tuple(check_text("category", c, MAX_CATEGORY_CHARS) for c in category if c.strip())
        self.authors = tuple(check_text("author", a, MAX_NAME_CHARS) for a in author if a.strip())
        self.primary_only = primary_only
        self.since = parse_date_param("since", since)
        self.until = parse_date_param("until", until)
        if self.since and self.until and self.since > self.until:
            raise bad_parameter("since", "is after until")
        self.has_code = has_code
        self.sort = sort
        self.mode = mode

    def run(self, request: Request, limit: int, offset: int):
        """The SearchResults of this query; 503 when search is not available on this server."""
        service = search_service(request)
        from paperwire.search import IndexMissing, SearchFilters  # present once search_service answered

        filters = SearchFilters(categories=self.categories, primary_only=self.primary_only, since=self.since,
                                until=self.until, authors=self.authors, has_code=self.has_code)
        if offset > SEARCH_MAX_OFFSET:
            raise bad_parameter("offset", f"search results beyond the first {SEARCH_MAX_OFFSET} are not served")
        try:
            return service.search(self.text, filters=filters, sort=self.sort, limit=limit, offset=offset,
                                  mode=self.mode)
        except IndexMissing:
            raise ApiError(503, INDEX_MISSING) from None


# Made on the event loop: its checks take ~40 us, and as a class, FastAPI would make it in a thread hop of
# its own (~0.6 ms, and under load a turn behind every waiting request).
async def search_query(**parameters) -> SearchQuery:
    return SearchQuery(**parameters)


search_query.__signature__ = inspect.signature(SearchQuery)


@router.get("/search", response_model=HitPage, summary="Search papers, with filters, sort and pages")
def search(request: Request, query: Annotated[SearchQuery, Depends(search_query)], limit: Limit = 20,
           offset: Offset = 0):
    results = query.run(request, limit, offset)
    settings = get_settings(request)
    by = submitted(request, [h.paper for h in results.hits])
    return json_answer(HitPage(query=query.text, matched_words=results.word_matches != 0,
                               items=[hit_out(settings, h, by.get(h.paper.doc_id)) for h in results.hits],
                               **page_links(request, results.total, limit, offset)))


@router.get("/search/export", summary="A page of search results as BibTeX or RIS",
            response_class=Response, responses={200: {"content": {"application/x-bibtex": {},
                                                                  "application/x-research-info-systems": {}}}})
def search_export(request: Request, query: Annotated[SearchQuery, Depends(search_query)],
                  format: Annotated[Literal["bibtex", "ris"], Query(description="Citation format.")] = "bibtex",
                  limit: Limit = 20, offset: Offset = 0):
    results = query.run(request, limit, offset)
    return exports.export_response(get_settings(request), [h.paper for h in results.hits], format, "search-results")


# ---- one paper (declared after the longer /papers/{id}/... routes that share its prefix) ---

@router.get("/papers/{paper_id:path}/similar", response_model=SimilarOut, summary="Papers similar to one paper")
def similar(request: Request, paper_id: PaperId, limit: Annotated[WholeNumber, Query(ge=1, le=50)] = 10):
    stored = find_paper(request, paper_id)
    service = search_service(request)
    from paperwire.search import IndexMissing

    try:
        hits = service.similar(stored.paper.id, limit=limit)
    except IndexMissing:
        raise ApiError(503, INDEX_MISSING) from None
    settings = get_settings(request)
    return {"paper_id": stored.paper.id, "items": [hit_out(settings, h) for h in hits]}


@router.get("/papers/{paper_id:path}/export", summary="One paper as BibTeX or RIS", response_class=Response,
            responses={200: {"content": {"application/x-bibtex": {}, "application/x-research-info-systems": {}}}})
def paper_export(request: Request, paper_id: PaperId,
                 format: Annotated[Literal["bibtex", "ris"], Query(description="Citation format.")] = "bibtex"):
    stored = find_paper(request, paper_id)
    return exports.export_response(get_settings(request), [stored], format, stored.paper.id)


@router.get("/papers/{paper_id:path}", response_model=PaperOut, summary="One paper")
def paper(request: Request, paper_id: PaperId):
    stored = find_paper(request, paper_id)
    return paper_out(get_settings(request), stored, submitted(request, [stored]).get(stored.doc_id))
