"""Submitting a paper: the /submit form and ``POST /api/v1/submissions``.

A paper the catalog lacks is fetched from the site's arXiv API (settings.arxiv_api_url)
while the member waits; what the rules refuse (too old, already submitted, the daily limit,
who may submit) comes back with the rule's own message, beside the field on the form.
"""

from __future__ import annotations

from fastapi import Form, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from paperwire.community import submissions
from paperwire.community.errors import CommunityError
from paperwire.links import paper_path
from paperwire.web.api.v1_models import PaperOut, paper_out
from paperwire.web.auth.errors import refusal
from paperwire.web.auth.forms import echoed, form_page
from paperwire.web.auth.viewer import require_viewer
from paperwire.web.community.common import api_router, back, counted_viewer, db, page_router, policy
from paperwire.web.deps import get_catalog, get_settings

pages = page_router()
api = api_router("submissions")


class SubmissionIn(BaseModel):
    paper: str = Field(description="An arXiv id or any arXiv URL (abs, pdf, html, versioned).",
                       examples=["2607.01234", "https://arxiv.org/abs/2607.01234v2"])
    comment: str | None = Field(None, description=f"One line shown on the card (at most "
                                                  f"{submissions.COMMENT_MAX_CHARS} characters).",
                                examples=["The ablation in Table 3 is worth a look."])


def _submit(request: Request, paper_ref: str, comment: str | None):
    """Feature the paper today; the stored paper (fetched first when unknown)."""
    member = counted_viewer(request, "submit")
    catalog = get_catalog(request)
    made = submissions.submit(db(request), policy(request), member, paper_ref, comment,
                              submissions.arxiv_fetcher(catalog, get_settings(request)))
    return catalog.by_doc_ids([made.doc_id])[0], made


def _form(request: Request, status: int = 200, **context) -> Response:
    rules = policy(request).settings
    return form_page(request, "community/submit.html", {
        "title": "Submit a paper", "active": "submit", "max_age_days": rules.submission_max_age_days,
        "per_day": rules.submissions_per_day, "authors_only": rules.who_may_submit == "authors",
        "comment_max": submissions.COMMENT_MAX_CHARS, **context}, status=status)


@pages.get("/submit")
def submit_page(request: Request) -> Response:
    require_viewer(request)
    return _form(request)


@pages.post("/submit")
def submit_form(request: Request, paper: str = Form(""), comment: str = Form("")) -> Response:
    try:
        stored, _ = _submit(request, paper, comment)
    except CommunityError as error:
        if error.status == 401:
            raise
        field = getattr(error, "field", None) or "paper"
        return _form(request, status=refusal(error).status, errors={field: error.message},
                     values={"paper": echoed(paper.strip()), "comment": echoed(comment.strip())})
    return back("", paper_path(stored.paper.id), done="submitted")


@api.post("/submissions", response_model=PaperOut, status_code=201,
          summary="Put a paper on today's daily list (fetched from arXiv when unknown)")
def submit(request: Request, given: SubmissionIn) -> PaperOut:
    stored, made = _submit(request, given.paper, given.comment)
    return paper_out(get_settings(request), stored, made)
