"""Web: one-click unsubscribe (RFC 8058) at the link every digest carries.

GET shows the page with one "Unsubscribe" button and changes nothing (mail scanners fetch
links). POST unsubscribes at once: it is also the target of the List-Unsubscribe-Post
header, which mail programs send with no cookie and no CSRF token (body
``List-Unsubscribe=One-Click``), so web/auth/csrf.py lets it through: the signed token is
the proof. An altered token answers 400 and changes nothing.
"""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from paperwire.digest import subscriptions
from paperwire.web.auth.forms import form_page
from paperwire.web.community.common import api_router, db, page_router

pages = page_router()
api = api_router("digests")


@pages.get("/unsubscribe/{token}")
def unsubscribe_page(request: Request, token: str) -> Response:
    subscription = subscriptions.subscription_for_unsubscribe_link(db(request), request.app.state.secret_key, token)
    return _page(request, token, subscription)


@pages.post("/unsubscribe/{token}")
def unsubscribe(request: Request, token: str) -> Response:
    subscription = subscriptions.unsubscribe_by_token(db(request), request.app.state.secret_key, token)
    return _page(request, token, subscription)


def _page(request: Request, token: str, subscription: subscriptions.Subscription) -> Response:
    title = "Unsubscribed" if subscription.unsubscribed else "Unsubscribe"
    return form_page(request, "digest/unsubscribe.html", {"title": title, "token": token,
                                                           "subscription": subscription})
