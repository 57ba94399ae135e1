"""Starting and ending the browser's session: the cookie and the server-side row together."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from paperwire.accounts.members import Member
from paperwire.accounts.sessions import end_session, start_session
from paperwire.web.auth.cookies import clear_form_cookie, clear_session_cookie, set_session_cookie
from paperwire.web.auth.viewer import viewer_of


def signed_in(request: Request, member: Member, target: str) -> Response:
    """A redirect to ``target`` that signs this browser in as ``member`` with a brand-new
    session id (any session it held ends; the signed-out form cookie goes)."""
    end_browser_session(request)
    cookie, _ = start_session(request.app.state.catalog.engine, member)
    response = RedirectResponse(target, status_code=303)
    settings = request.app.state.settings
    set_session_cookie(response, settings, cookie)
    clear_form_cookie(response, settings)
    return response


def end_browser_session(request: Request) -> None:
    """End the session this browser holds, server-side (its cookie then works nowhere)."""
    cookie = viewer_of(request).session_cookie
    if cookie:
        end_session(request.app.state.catalog.engine, cookie)


def signed_out(request: Request, response: Response) -> Response:
    """``response``, telling the browser to drop its session cookie."""
    clear_session_cookie(response, request.app.state.settings)
    return response
