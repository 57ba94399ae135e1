"""CSRF protection for every state change: a synchronizer token plus an Origin check.

:func:`protect` runs as a global dependency of the app, so no route can forget it. An unsafe
request (POST, PUT, PATCH, DELETE) must carry the right token, in the form field
``csrf_token`` or the header ``X-CSRF-Token``, and must not come from another origin:

- signed in, the token is the session's (accounts.sessions keeps one per session);
- signed out (the sign-in, sign-up and password forms), it is the site secret's signature
  of the random form cookie, so a token is worth nothing without its browser's cookie.
  Signing in replaces the form cookie by the session.

A request that carries none of our cookies and either an ``Authorization`` header or an
/api/ path cannot ride on a browser's sign-in, so it needs no token: API scripts send their
Bearer token only. Every other unsafe request, a cookieless one to a form too, needs it:
otherwise another site could sign a visitor into an account of its choosing.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from fastapi import Request
from itsdangerous import Signer
from jinja2 import pass_context
from markupsafe import Markup, escape

from paperwire.accounts.sessions import csrf_matches, session_member
from paperwire.community.errors import NotAllowed
from paperwire.web.auth.cookies import SESSION_COOKIES, form_cookie_name, session_cookie_name
from paperwire.web.auth.viewer import SAFE_METHODS, viewer_of

FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_SALT = "paperwire.csrf-form"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ONE_CLICK_UNSUBSCRIBE = re.compile(r"/unsubscribe/[^/]+")  # web/digest/unsubscribe.py


class CsrfRefused(NotAllowed):
    """403: the request did not prove it comes from one of this site's own pages."""


async def protect(request: Request) -> None:
    """The app's global dependency: refuse an unsafe request without the right token or origin."""
    if request.method in SAFE_METHODS:
        return
    if request.method == "POST" and _ONE_CLICK_UNSUBSCRIBE.fullmatch(request.url.path):
        return  # RFC 8058: mail programs POST here with no cookie or token; the signed link is the proof
    ours = any(name in request.cookies for name in (*SESSION_COOKIES, form_cookie_name(request.app.state.settings)))
    if not ours and ("authorization" in request.headers or request.url.path.startswith("/api/")):
        return
    check_origin(request)
    expected = expected_token(request)
    given = request.headers.get(HEADER)
    if given is None and request.headers.get("content-type", "").startswith(_FORM_TYPES):
        given = (await request.form()).get(FORM_FIELD)
    if expected is None or not csrf_matches(expected, given):
        raise CsrfRefused("this form has expired or did not come from this site: reload the page and try again "
                          "(cookies must be on to sign in)")


def check_origin(request: Request) -> None:
    """The request's Origin (or, lacking one, its Referer) must be the site's own base URL."""
    settings = request.app.state.settings
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if claimed is not None and _origin(claimed) != _origin(settings.base_url):
        raise CsrfRefused(f"this request came from another site ({claimed[:100]!r}), not from {settings.base_url}")


def expected_token(request: Request) -> str | None:
    """The token this request must carry: its session's, else its form cookie's; None with neither."""
    viewer = viewer_of(request)
    if viewer.via == "session":
        return viewer.csrf_token
    settings = request.app.state.settings
    cookie = request.cookies.get(session_cookie_name(settings))
    session = session_member(request.app.state.catalog.engine, cookie) if cookie else None
    if session is not None:  # a session beside a Bearer token: the cookie still travels
        return session[1]
    form_cookie = request.cookies.get(form_cookie_name(settings))
    return _form_signer(request).get_signature(form_cookie).decode() if form_cookie else None


def page_token(request: Request) -> str:
    """The token a page's forms carry. Signed out, it is bound to the form cookie, made here
    when the browser has none yet (``request.state.new_form_cookie``: the page must set it)."""
    viewer = viewer_of(request)
    if viewer.via == "session":
        return viewer.csrf_token
    cookie = request.cookies.get(form_cookie_name(request.app.state.settings)) or getattr(
        request.state, "new_form_cookie", None)
    if cookie is None:
        cookie = request.state.new_form_cookie = secrets.token_urlsafe(32)
    return _form_signer(request).get_signature(cookie).decode()


@pass_context
def csrf_field(context) -> Markup:
    """``{{ csrf_field() }}``: the hidden input every form that changes something holds."""
    token = escape(page_token(context["request"]))
    return Markup(f'<input type="hidden" name="{FORM_FIELD}" value="{token}">')


@pass_context
def csrf_token(context) -> str:
    """``{{ csrf_token() }}``: the token itself, for scripts (sent back as X-CSRF-Token)."""
    return page_token(context["request"])


def _form_signer(request: Request) -> Signer:
    return Signer(request.app.state.secret_key, salt=_SALT)


def _origin(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:  # a port that is not a number
        return None
    if not parts.hostname:
        return None  # "null" (a sandboxed or privacy-stripped origin) and the like
    return parts.scheme.lower(), parts.hostname.lower(), port
