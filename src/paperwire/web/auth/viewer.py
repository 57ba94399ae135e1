"""Who is asking: resolved once per request, before any handler, and kept on ``request.state``.

An ``Authorization: Bearer pw_...`` header wins: a bad, revoked or disabled member's token is
answered 401 and never falls back to the session cookie (a script must learn that its token
stopped working). Without one, the session cookie names the member. The app runs
:func:`identify` as a global dependency, so every route, JSON or page, sees the same viewer.

Handlers ask through :func:`current_viewer`, :func:`require_viewer` and
:func:`require_write_scope` (plain functions, also usable with ``Depends``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, Security
from fastapi.security import HTTPBearer
from jinja2 import pass_context
from starlette.concurrency import run_in_threadpool

from paperwire.accounts.members import Member
from paperwire.accounts.sessions import session_member
from paperwire.accounts.tokens import token_member
from paperwire.community.errors import NotAllowed, NotSignedIn
from paperwire.web.auth.cookies import session_cookie_name

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer = HTTPBearer(
    auto_error=False,  # reading the header is identify's job; this documents the scheme in /openapi.json
    scheme_name="bearer",
    description="A personal API token made on the /settings page: `Authorization: Bearer pw_...`. "
                "A token of scope `read` may only read.",
)


class BadToken(NotSignedIn):
    """An Authorization header that names no live token: always 401 JSON, even on a page."""


@dataclass(frozen=True)
class Viewer:
    member: Member | None = None
    via: str | None = None  # "session" or "token"
    scope: str | None = None  # "read" or "write"; a session may do what its member may
    csrf_token: str | None = None  # the session's synchronizer token
    session_cookie: str | None = None  # the cookie value, to end or keep this session


ANONYMOUS = Viewer()


async def identify(request: Request, _documented=Security(bearer)) -> None:
    """The app's global dependency: resolve the viewer, and refuse changes by a read-only token."""
    if "authorization" in request.headers or session_cookie_name(request.app.state.settings) in request.cookies:
        request.state.viewer = await run_in_threadpool(resolve, request)
    else:
        request.state.viewer = ANONYMOUS  # no credentials: no database, no thread
    if request.method not in SAFE_METHODS:
        check_write_scope(request.state.viewer)


def viewer_of(request: Request) -> Viewer:
    """The request's Viewer (resolved here where no route ran, e.g. for a 404 page)."""
    viewer = getattr(request.state, "viewer", None)
    if viewer is None:
        viewer = request.state.viewer = resolve(request)
    return viewer


def resolve(request: Request) -> Viewer:
    db = request.app.state.catalog.engine
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        found = token_member(db, token.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            raise BadToken("this API token is not valid: it was revoked or mistyped, or its account is disabled; "
                           "send 'Authorization: Bearer <token>' with a token from /settings")
        member, scope = found
        return Viewer(member=member, via="token", scope=scope)
    cookie = request.cookies.get(session_cookie_name(request.app.state.settings))
    found = session_member(db, cookie) if cookie else None
    if found is None:
        return ANONYMOUS  # an ended or expired session: signed out
    member, csrf_token = found
    return Viewer(member=member, via="session", scope="write", csrf_token=csrf_token, session_cookie=cookie)


def current_viewer(request: Request) -> Member | None:
    """The member asking, or None for an anonymous reader."""
    return viewer_of(request).member


@pass_context
def signed_in_member(context) -> Member | None:
    """``{% set me = viewer() %}`` in a template: the member the page is for, or None."""
    try:
        return current_viewer(context["request"])
    except BadToken:  # an error page for a request whose token failed: shown as signed out
        return None


def require_viewer(request: Request) -> Member:
    """The member asking; NotSignedIn otherwise (401 from an API, a redirect to /signin from a page)."""
    member = current_viewer(request)
    if member is None:
        raise NotSignedIn()
    return member


def require_write_scope(request: Request) -> Member:
    """The member asking, allowed to change things: a read-scope token answers 403."""
    member = require_viewer(request)
    check_write_scope(viewer_of(request))
    return member


def check_write_scope(viewer: Viewer) -> None:
    if viewer.via == "token" and viewer.scope != "write":
        raise NotAllowed("this API token may only read (scope 'read'): make a token with the 'write' scope "
                         "on the /settings page to change anything")
