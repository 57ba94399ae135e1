"""What the accounts and community layers refuse, answered in one place for the whole app.

A JSON API gets ``{"error": ..., "parameter": ...}`` (as api_common's errors); a person gets
the friendly error page, or, when not signed in, the sign-in page that brings them back.
Rate limits answer 429 and a busy password hasher 503, both with Retry-After.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from paperwire.accounts.errors import AccountError, AlreadyTaken, UnknownMember
from paperwire.accounts.links import LinkInvalid
from paperwire.accounts.passwords import Busy
from paperwire.accounts.ratelimit import RateLimited
from paperwire.community.errors import CommunityError, NotSignedIn
from paperwire.web.auth.next_path import signin_url
from paperwire.web.auth.viewer import BadToken

REFUSALS = (CommunityError, AccountError, LinkInvalid, UnknownMember, RateLimited, Busy)


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str
    parameter: str | None = None  # the field or parameter at fault
    retry_after_s: int | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)} if self.retry_after_s is not None else {}


def refusal(exc: Exception) -> Refusal:
    """The status, message and field of one of REFUSALS."""
    if isinstance(exc, (RateLimited, Busy)):
        return Refusal(429 if isinstance(exc, RateLimited) else 503, str(exc), retry_after_s=exc.retry_after_s)
    if isinstance(exc, CommunityError):
        return Refusal(exc.status, exc.message, getattr(exc, "field", None))
    if isinstance(exc, AccountError):
        return Refusal(409 if isinstance(exc, AlreadyTaken) else 400, str(exc), exc.field)
    if isinstance(exc, UnknownMember):
        return Refusal(404, str(exc))
    return Refusal(400, str(exc))  # LinkInvalid: an altered, spent or expired link


def install_error_handlers(app: FastAPI, error_page: Callable[..., Response],
                           wants_page: Callable[[Request], bool]) -> None:
    """Answer REFUSALS everywhere: ``error_page(request, status, message, headers)`` renders
    the site's error page; ``wants_page(request)`` tells people from API clients."""

    async def answer(request: Request, exc: Exception) -> Response:
        refused = refusal(exc)
        headers = refused.headers
        if isinstance(exc, BadToken) or not wants_page(request):
            if isinstance(exc, NotSignedIn):
                headers["WWW-Authenticate"] = 'Bearer realm="paperwire"'
            return JSONResponse({"error": refused.message, "parameter": refused.parameter},
                                status_code=refused.status, headers=headers)
        if isinstance(exc, NotSignedIn):
            back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(signin_url(back if request.method == "GET" else None), status_code=303)
        return error_page(request, refused.status, refused.message, headers=headers)

    for kind in REFUSALS:
        app.add_exception_handler(kind, answer)
