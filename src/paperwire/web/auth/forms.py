"""Rendering the account forms: never cached, with their CSRF cookie, typed values echoed safely."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from paperwire.web.auth.cookies import set_form_cookie
from paperwire.web.http.templating import page_response, render_page

MAX_ECHOED = 254  # a typed value longer than any username or address is not shown back


def form_page(request: Request, template: str, context: dict, status: int = 200) -> Response:
    """A page of forms: ``errors`` ({field: message}) and ``values`` (typed values) in the
    context go next to their fields. Sets the form cookie its CSRF token is bound to, when
    the page had to make one."""
    context = {"feeds": [], "errors": {}, "values": {}, **context}
    page = render_page(request, template, context, status=status)
    response = page_response(request, page, cacheable=False)
    new_cookie = getattr(request.state, "new_form_cookie", None)
    if new_cookie is not None:
        set_form_cookie(response, request.app.state.settings, new_cookie)
    return response


def echoed(value: str) -> str:
    """A typed value fit to show back in its field: control characters and huge values are not."""
    return value if len(value) <= MAX_ECHOED and value.isprintable() else ""


def typed_login(value: str) -> tuple[str, str | None]:
    """What was typed as a username or e-mail address, and the error to show for it (None: usable)."""
    login = value.strip()
    if not login:
        return "", "type your username or e-mail address"
    if len(login) > MAX_ECHOED:
        return "", f"that is longer than any username or e-mail address ({MAX_ECHOED} characters at most)"
    if not login.isprintable():
        return "", "that holds control characters, which no username or e-mail address has"
    return login, None
