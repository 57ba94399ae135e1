"""Upvotes: the ▲ form on every card and paper page, and the JSON routes its script calls.

Without JavaScript the form POSTs here and comes back (303) to the page it was on; with it,
static/toggles.js sends the same change to the JSON API and updates the button in place.
The count is this site's votes (papers.votes), never the one an imported source carries.
"""

from __future__ import annotations

from fastapi import Form, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from paperwire.community import votes
from paperwire.web.api.common import find_paper
from paperwire.web.api.v1 import PaperId
from paperwire.web.community.common import api_router, back_to_paper, counted_viewer, db, page_router, policy

pages = page_router()
api = api_router("votes")


class VoteOut(BaseModel):
    paper: str = Field(description="The paper's id.", examples=["2607.01234"])
    upvotes: int = Field(description="This site's upvotes of the paper, the change included.", examples=[13])
    voted: bool = Field(description="Whether the signed-in member's vote is now on the paper.")


def _vote(request: Request, paper_id: str, on: bool) -> VoteOut:
    stored = find_paper(request, paper_id)
    member = counted_viewer(request, "vote")
    change = votes.upvote if on else votes.remove_upvote
    count = change(db(request), policy(request), member, stored.doc_id)
    return VoteOut(paper=stored.paper.id, upvotes=count, voted=on)


@pages.post("/papers/{paper_id:path}/upvote")
def vote_form(request: Request, paper_id: str, on: bool = Form(True), next: str = Form("")) -> Response:
    """The ▲ button: ``on`` says what the member wants (true: their vote on, false: off)."""
    done = _vote(request, paper_id, on)
    return back_to_paper(next, done.paper)


@api.post("/papers/{paper_id:path}/upvote", response_model=VoteOut, summary="Upvote a paper (idempotent)")
def upvote(request: Request, paper_id: PaperId) -> VoteOut:
    return _vote(request, paper_id, True)


@api.delete("/papers/{paper_id:path}/upvote", response_model=VoteOut, summary="Take one's upvote back (idempotent)")
def remove_upvote(request: Request, paper_id: PaperId) -> VoteOut:
    return _vote(request, paper_id, False)
