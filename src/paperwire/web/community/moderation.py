"""Moderation: /moderation (reported comments, pending claims, recent submissions, and the
buttons that act on them) for moderators, /moderation/audit for administrators, and the
queue and the log as JSON.

Each action is one community operation, which checks the moderator's role and writes its
audit entry in the same transaction; the forms come back to the queue.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import Form, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from paperwire.accounts.users import member_by_username
from paperwire.community import claims, moderation, submissions
from paperwire.community.errors import NotFound
from paperwire.web.api.common import WholeNumber, check_offset, find_paper
from paperwire.web.api.v1 import Limit, Offset, page_links
from paperwire.web.api.v1_models import PageLinks
from paperwire.web.auth.viewer import current_viewer
from paperwire.web.community.claims import ClaimOut, claim_out
from paperwire.web.community.collections import Owner
from paperwire.web.community.common import api_router, back, db, page_router, policy
from paperwire.web.pages.catalog import _offset, _pager
from paperwire.web.http.templating import page_response, render_page

pages = page_router()
api = api_router("moderation")

AUDIT_PAGE_SIZE = 50
NOTICES = {"hidden": "The comment is hidden.", "restored": "The comment is shown again.",
           "dismissed": "The reports are dismissed; the comment stays.", "approved": "The claim is confirmed.",
           "rejected": "The claim is rejected.", "removed": "The submission is off the daily list.",
           "disabled": "The member is disabled: signed out everywhere, and unable to sign in.",
           "enabled": "The member can sign in again."}


def _page(request: Request, template: str, context: dict) -> Response:
    return page_response(request, render_page(request, template, {"feeds": [], **context}), cacheable=False)


@pages.get("/moderation")
def queue_page(request: Request, done: str = "") -> Response:
    waiting = moderation.queue(db(request), policy(request), current_viewer(request))
    return _page(request, "community/moderation.html", {
        "title": "Moderation", "active": "moderation", "queue": waiting, "notice": NOTICES.get(done)})


@pages.get("/moderation/audit")
def audit_page(request: Request, page: WholeNumber = 1) -> Response:
    entries, total = moderation.audit_log(db(request), policy(request), current_viewer(request),
                                          limit=AUDIT_PAGE_SIZE, offset=_offset(page, AUDIT_PAGE_SIZE))
    return _page(request, "community/audit.html", {
        "title": "Audit log", "active": "moderation", "entries": entries,
        "pager": _pager(page, AUDIT_PAGE_SIZE, total)})


@pages.post("/moderation/comments/{comment_id}/dismiss-reports")
def dismiss_reports_form(request: Request, comment_id: int, reason: str = Form("")) -> Response:
    moderation.dismiss_reports(db(request), policy(request), current_viewer(request), comment_id, reason)
    return back("/moderation", done="dismissed")


@pages.post("/moderation/claims/{claim_id}/{decision}")
def decide_form(request: Request, claim_id: int, decision: Literal["approve", "reject"]) -> Response:
    claims.decide_claim(db(request), policy(request), current_viewer(request), claim_id, decision == "approve")
    return back("/moderation", done=f"{decision}d")


@pages.post("/moderation/submissions/{paper_id:path}/remove")
def remove_submission_form(request: Request, paper_id: str, reason: str = Form("")) -> Response:
    stored = find_paper(request, paper_id)
    submissions.remove_submission(db(request), policy(request), current_viewer(request), stored.doc_id, reason)
    return back("/moderation", done="removed")


@pages.post("/moderation/members/{owner}/{change}")
def member_form(request: Request, owner: Owner, change: Literal["disable", "enable"], reason: str = Form(""),
                next: str = Form("")) -> Response:
    member = member_by_username(db(request), owner)
    if member is None:
        raise NotFound("no such member")
    act = moderation.disable_member if change == "disable" else moderation.enable_member
    act(db(request), policy(request), current_viewer(request), member.id, reason)
    return back(next, "/moderation", done=f"{change}d")


# ---- JSON -------------------------------------------------------------------------------

class ReportedOut(BaseModel):
    comment: int
    paper: str
    author: str
    body: str
    hidden: bool
    reports: int
    reasons: list[str]
    first_reported_at: datetime


class SubmittedOut(BaseModel):
    paper: str
    title: str
    submitter: str
    comment: str | None
    submitted_at: datetime


class QueueOut(BaseModel):
    reported: list[ReportedOut] = Field(description="Comments with open reports, most reported first.")
    claims: list[ClaimOut] = Field(description="Authorship claims waiting for a decision, oldest first.")
    submissions: list[SubmittedOut] = Field(description="Recent submissions, newest first.")


class AuditEntryOut(BaseModel):
    id: int
    actor: str
    action: str = Field(examples=["comment.hide"])
    target_kind: str = Field(examples=["comment"])
    target_id: str = Field(examples=["12"])
    detail: dict
    created_at: datetime


class AuditPage(PageLinks):
    items: list[AuditEntryOut]


@api.get("/moderation/queue", response_model=QueueOut, summary="What waits for a moderator (moderators)")
def queue(request: Request) -> QueueOut:
    waiting = moderation.queue(db(request), policy(request), current_viewer(request))
    return QueueOut(
        reported=[ReportedOut(comment=r.comment_id, paper=r.paper_id, author=r.author, body=r.body, hidden=r.hidden,
                              reports=r.reports, reasons=r.reasons, first_reported_at=r.first_reported_at)
                  for r in waiting.reported],
        claims=[claim_out(c) for c in waiting.claims],
        submissions=[SubmittedOut(paper=s.paper_id, title=s.title, submitter=s.submission.submitter,
                                  comment=s.submission.comment, submitted_at=s.submission.submitted_at)
                     for s in waiting.submissions])


@api.get("/moderation/audit", response_model=AuditPage, summary="Every moderator action, newest first (admins)")
def audit(request: Request, limit: Limit = 50, offset: Offset = 0) -> dict:
    entries, total = moderation.audit_log(db(request), policy(request), current_viewer(request), limit=limit,
                                          offset=check_offset("offset", offset))
    return {"items": [AuditEntryOut(**vars(e)) for e in entries], **page_links(request, total, limit, offset)}
