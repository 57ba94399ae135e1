"""Authorship claims: "I am an author" on the paper page, and ``POST /api/v1/papers/{id}/claim``.

A claim waits for a moderator (the /moderation page decides it); until then only its
claimant sees it, on the paper page and their profile.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import Form, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from paperwire.community import claims
from paperwire.community.claims import Claim
from paperwire.web.api.common import find_paper
from paperwire.web.api.v1 import PaperId
from paperwire.web.auth.viewer import current_viewer
from paperwire.web.community.common import api_router, back_to_paper, db, page_router, policy

pages = page_router()
api = api_router("claims")


class ClaimOut(BaseModel):
    id: int
    paper: str = Field(examples=["2607.01234"])
    title: str
    claimant: str = Field(examples=["ann"])
    status: Literal["pending", "approved", "rejected"] = Field(description="approved: shown as verified.")
    created_at: datetime


def claim_out(claim: Claim) -> ClaimOut:
    return ClaimOut(id=claim.id, paper=claim.paper_id, title=claim.title, claimant=claim.claimant,
                    status=claim.status, created_at=claim.created_at)


@pages.post("/papers/{paper_id:path}/claim")
def claim_form(request: Request, paper_id: str, next: str = Form("")) -> Response:
    stored = find_paper(request, paper_id)
    claims.claim_authorship(db(request), policy(request), current_viewer(request), stored.doc_id)
    return back_to_paper(next, stored.paper.id, "#claim", done="claimed")


@api.post("/papers/{paper_id:path}/claim", response_model=ClaimOut, status_code=201,
          summary="Claim authorship of a paper (a moderator confirms it)")
def claim(request: Request, paper_id: PaperId) -> ClaimOut:
    stored = find_paper(request, paper_id)
    return claim_out(claims.claim_authorship(db(request), policy(request), current_viewer(request), stored.doc_id))
