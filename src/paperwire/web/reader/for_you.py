"""Web: the For-you page and GET /api/v1/me/for-you (rank.for_you).

Both show the viewer's own recommendations only: no route names another member.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from paperwire.rank.for_you import MAX_LIMIT, ForYouFeed, recommend
from paperwire.web.api.common import WholeNumber, parse_date_param
from paperwire.web.api.v1_models import PaperOut, paper_out
from paperwire.web.auth.viewer import current_viewer, require_viewer
from paperwire.web.community.cards import cards_for
from paperwire.web.community.common import api_router, db, page_router, policy
from paperwire.web.deps import get_search, get_settings
from paperwire.web.http.templating import page_response, render_page

pages = page_router()
api = api_router("for you")

PAGE_SIZE = 30
DateParam = Annotated[str | None, Query(description="First (or last) listing day, YYYY-MM-DD: instead of the "
                                                     "configured recent days.", examples=["2026-06-25"])]


class RecommendationOut(BaseModel):
    paper: PaperOut
    score: float = Field(description="Higher is better; comparable within one answer only.")
    reasons: list[str] = Field(examples=[['close to "Sparse Autoencoders Find Interpretable Features"',
                                          "words: sparse, dictionary, features"]])


class ForYouOut(BaseModel):
    items: list[RecommendationOut]
    has_signals: bool = Field(description="False until one upvotes, saves, collects or dismisses a paper: "
                                          "the items are then the window's trending papers.")
    since: date | None = Field(description="The listing window ranked (null: the catalog is empty).")
    until: date | None


def _feed(request: Request, limit: int, since: str | None = None, until: str | None = None) -> ForYouFeed:
    return recommend(db(request), policy(request), get_search(request), current_viewer(request), limit=limit,
                     since=parse_date_param("since", since), until=parse_date_param("until", until))


@pages.get("/for-you")
def for_you_page(request: Request) -> Response:
    require_viewer(request)
    feed = _feed(request, PAGE_SIZE)
    rendered = render_page(request, "reader/for_you.html", {
        "title": "For you", "active": "for-you", "feed": feed,
        "cards": cards_for(request, [item.paper for item in feed.items]), "feeds": []})
    return page_response(request, rendered, cacheable=False)


@api.get("/me/for-you", response_model=ForYouOut, summary="One's recommendations, with their reasons")
def my_for_you(request: Request,
               limit: Annotated[WholeNumber, Query(ge=1, le=MAX_LIMIT, description="How many at most.")] = 20,
               since: DateParam = None, until: DateParam = None) -> ForYouOut:
    feed = _feed(request, limit, since, until)
    settings = get_settings(request)
    return ForYouOut(items=[RecommendationOut(paper=paper_out(settings, item.paper), score=item.score,
                                              reasons=list(item.reasons)) for item in feed.items],
                     has_signals=feed.has_signals, since=feed.since, until=feed.until)
