"""What the community's pages and JSON routes share: the site's rules, who acts, rate limits,
the way back after a form, and the JSON routers' shape.

Authorisation is never decided here: every handler hands the viewer to a
:mod:`paperwire.community` operation, which asks :class:`~paperwire.community.rules.Policy`.
Refusals (CommunityError, RateLimited) are answered by web/auth/errors.py for the whole app:
JSON under /api/, a page (or the sign-in page) elsewhere.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from sqlalchemy import Engine
from starlette.responses import RedirectResponse

from paperwire.accounts.members import Member
from paperwire.community.rules import Policy
from paperwire.links import paper_path
from paperwire.web.api.common import ERROR_RESPONSES, ErrorBody, JsonErrorRoute
from paperwire.web.auth.limits import count_attempt
from paperwire.web.auth.next_path import local_path
from paperwire.web.auth.viewer import current_viewer

REFUSED_RESPONSES = {
    **ERROR_RESPONSES,
    401: {"model": ErrorBody, "description": "Not signed in: send `Authorization: Bearer <token>`."},
    403: {"model": ErrorBody, "description": "Not allowed: a read-scope token, an unconfirmed address, "
                                            "another member's comment, a moderator's action..."},
    404: {"model": ErrorBody, "description": "No such paper, comment or collection (or not yours to see)."},
    409: {"model": ErrorBody, "description": "Clashes with what is there (already submitted, reported...)."},
    429: {"model": ErrorBody, "description": "Too many attempts: try again after the seconds in Retry-After."},
}


def api_router(tag: str) -> APIRouter:
    """A router of /api/v1 routes answering errors as ``{"error", "parameter"}``."""
    return APIRouter(prefix="/api/v1", tags=[tag], route_class=JsonErrorRoute, responses=REFUSED_RESPONSES)


def page_router() -> APIRouter:
    """A router of pages and their forms (left out of /openapi.json)."""
    return APIRouter(include_in_schema=False)


def policy(request: Request) -> Policy:
    return request.app.state.policy


def db(request: Request) -> Engine:
    return request.app.state.catalog.engine


def counted_viewer(request: Request, rule: str) -> Member | None:
    """The member asking, after counting this attempt at ``rule`` (vote, comment, submit)
    against the site's rate limits: RateLimited (429, Retry-After) when over. Anonymous
    requests are not counted: the operation refuses them."""
    member = current_viewer(request)
    if member is not None:
        count_attempt(request, rule, account=str(member.id))
    return member


def back(next_path: str, fallback: str = "/", anchor: str = "", done: str | None = None) -> RedirectResponse:
    """After a form: 303 to ``next_path`` (the page the form was on) when it is a path on this
    site, else to ``fallback``; at ``anchor`` ("#comment-12"), with ``?done=`` naming a notice
    the page shows (from its own fixed texts: no URL puts words on a page)."""
    parts = urlsplit(local_path(next_path) or fallback)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if done is not None:
        query = [(name, value) for name, value in query if name != "done"] + [("done", done)]
    target = urlunsplit(("", "", parts.path, urlencode(query), anchor.lstrip("#") or parts.fragment))
    return RedirectResponse(target, status_code=303)


def back_to_paper(next_path: str, paper_id: str, anchor: str = "", done: str | None = None) -> RedirectResponse:
    return back(next_path, paper_path(paper_id), anchor, done)
