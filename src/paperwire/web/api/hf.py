"""Hugging Face papers API: the paths and JSON shapes ``huggingface_hub`` reads.

``HfApi(endpoint=BASE).list_papers(query=...)``, ``.paper_info(id)`` and
``.list_daily_papers(date=|week=|month=, submitter=, sort=, p=, limit=)`` work against
this server unchanged. Shapes follow huggingface.co: a paper is camelCase JSON with
``authors: [{name}]``; a daily-papers item wraps it as ``{"paper": {...}, "publishedAt":
<when it was put on the list>, "title", "summary", "numComments", "submittedBy"}``.
Keys without a value are left out, as the Hub does.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from paperwire.community.submissions import Submission
from paperwire.store import browse
from paperwire.store.catalog import StoredPaper
from paperwire.web.api.common import (
    ERROR_RESPONSES,
    JsonErrorRoute,
    WholeNumber,
    check_offset,
    check_text,
    day_start,
    extra_words,
    find_paper,
    github_repo,
    iso_timestamp,
    json_answer,
    project_page,
    requested_period,
    submitted_at,
    submitter,
)
from paperwire.web.api.v1 import SearchQuery, submitted
from paperwire.web.deps import get_catalog, get_settings

router = APIRouter(prefix="/api", tags=["Hugging Face compatible"], route_class=JsonErrorRoute,
                   responses=ERROR_RESPONSES)

MAX_LIMIT = 100
HF_SORTS = {"publishedAt": "newest", "trending": "trending"}  # Hub name -> catalog order


def _without_nulls(values: dict) -> dict:
    return {key: value for key, value in values.items() if value is not None}


def _user(name: str | None) -> dict | None:
    # The Hub's user object; paperwire knows only the name, so it fills fullname with it too.
    return {"user": name, "name": name, "fullname": name, "avatarUrl": "", "type": "user"} if name else None


def _submitted_at(stored: StoredPaper, submission: Submission | None) -> str | None:
    return iso_timestamp(submission.submitted_at if submission else submitted_at(stored.paper))


def hf_paper(stored: StoredPaper, submission: Submission | None = None) -> dict:
    """A paper as /api/papers/{id} answers it. ``upvotes`` are this site's votes; the count the
    imported source carries is ``sourceUpvotes``."""
    paper = stored.paper
    return _without_nulls({
        "id": paper.id,
        "authors": [{"name": name, "hidden": False} for name in paper.authors],
        "publishedAt": iso_timestamp(day_start(paper.published_date or paper.listing_date)),
        "submittedOnDailyAt": _submitted_at(stored, submission),
        "submittedOnDailyBy": _user(submitter(stored.paper, submission)),
        "title": paper.display_title,
        "summary": paper.display_abstract,
        "upvotes": stored.votes,
        "sourceUpvotes": paper.upvotes or None,
        "numComments": stored.num_comments,
        "ai_summary": paper.extra_text("ai_summary"),
        "ai_keywords": extra_words(paper, "ai_keywords") or None,
        "githubRepo": github_repo(paper),
        "projectPage": project_page(paper),
    })


def hf_daily_item(stored: StoredPaper, submission: Submission | None = None) -> dict:
    """A paper as /api/daily_papers and /api/papers/search list it."""
    paper = stored.paper
    inner = hf_paper(stored, submission)
    inner.pop("numComments", None)  # the Hub puts it beside the paper, not in it
    return _without_nulls({
        "paper": inner,
        "publishedAt": _submitted_at(stored, submission),
        "title": paper.display_title,
        "summary": paper.display_abstract,
        "numComments": stored.num_comments,
        "submittedBy": _user(submitter(stored.paper, submission)),
        "isAuthorParticipating": False,
    })


@router.get("/daily_papers", summary="Daily papers (huggingface_hub list_daily_papers)")
def daily_papers(
    request: Request,
    date: Annotated[str | None, Query(description="Day YYYY-MM-DD.")] = None,
    week: Annotated[str | None, Query(description="ISO week YYYY-Www.")] = None,
    month: Annotated[str | None, Query(description="Month YYYY-MM.")] = None,
    submitter: Annotated[str | None, Query(max_length=100, description="Only papers this user put on the list.")] = None,
    sort: Annotated[Literal["publishedAt", "trending"], Query(
        description="publishedAt: newest first; trending: by the trending score.")] = "publishedAt",
    p: Annotated[WholeNumber, Query(ge=0, description="Page number, from 0.")] = 0,
    limit: Annotated[WholeNumber, Query(ge=1, le=MAX_LIMIT, description="Papers per page.")] = 50,
) -> list[dict]:
    period = requested_period(date, week, month)
    start, end = (period.start, period.end) if period else browse.EVERY_DAY
    offset = check_offset("p", p * limit)
    catalog = get_catalog(request)
    if submitter:
        papers, _ = browse.papers_submitted_by(catalog, check_text("submitter", submitter), start, end,
                                               sort=HF_SORTS[sort], limit=limit, offset=offset)
    else:  # the daily list as the front page shows it: the listing and submissions, or submissions only
        papers, _ = browse.papers_in_period(catalog, start, end, sort=HF_SORTS[sort], limit=limit, offset=offset,
                                            counted=False,
                                            featured=get_settings(request).front_page)
    return _daily_items(request, papers)


def _daily_items(request: Request, papers: list[StoredPaper]) -> list[dict]:
    by = submitted(request, papers)
    return [hf_daily_item(stored, by.get(stored.doc_id)) for stored in papers]


@router.get("/papers/search", summary="Search papers (huggingface_hub list_papers)")
def search_papers(
    request: Request,
    q: Annotated[str, Query(description="Search text; empty lists the newest papers.")] = "",
    limit: Annotated[WholeNumber, Query(ge=1, le=MAX_LIMIT, description="Papers to return.")] = 50,
) -> list[dict]:
    if not check_text("q", q):
        papers, _ = browse.papers_in_period(get_catalog(request), *browse.EVERY_DAY, sort="newest", limit=limit,
                                            counted=False)
        return json_answer(_daily_items(request, papers))
    results = SearchQuery(q=q).run(request, limit, 0)
    return json_answer(_daily_items(request, [hit.paper for hit in results.hits]))


@router.get("/papers/{paper_id:path}", summary="One paper (huggingface_hub paper_info)")
def paper_info(request: Request, paper_id: str) -> dict:
    stored = find_paper(request, paper_id)
    return hf_paper(stored, submitted(request, [stored]).get(stored.doc_id))
