"""Web: the Subscribe box's page, and the confirmation link it mails (double opt-in).

The footer's box is a GET form (anonymous pages are cached and shared, so it can hold no
CSRF token) to /subscribe, whose page holds the real POST form, with its token and the
address filled in. The answer to that POST is the same whether or not the address was
subscribed, and the mail leaves after it. The mailed link opens a page with a "Confirm"
button: mail scanners fetch links, so the GET changes nothing.
"""

from __future__ import annotations

from fastapi import Form, Request
from starlette.background import BackgroundTask
from starlette.responses import RedirectResponse, Response

from paperwire.accounts.links import LinkInvalid
from paperwire.community.errors import Invalid
from paperwire.digest import subscriptions
from paperwire.digest.confirm_mail import confirmation_mail, send_confirmation
from paperwire.mail.smtp import mail_enabled
from paperwire.web.auth.forms import echoed, form_page
from paperwire.web.auth.limits import count_attempt
from paperwire.web.auth.viewer import current_viewer
from paperwire.web.community.common import api_router, db, page_router

pages = page_router()
api = api_router("digests")

SETTINGS_PAGE = "/settings/digest"


@pages.get("/subscribe")
def subscribe_form(request: Request, email: str = "") -> Response:
    if current_viewer(request) is not None:
        return RedirectResponse(SETTINGS_PAGE, status_code=303)
    return _page(request, values={"email": echoed(email.strip())})


@pages.post("/subscribe")
def subscribe(request: Request, email: str = Form("")) -> Response:
    settings = request.app.state.settings
    if not mail_enabled(settings):
        return _page(request, status=404)
    try:
        address = subscriptions.check_email(email)
    except Invalid as error:
        return _page(request, errors={"email": error.message.removeprefix("email: ")},
                     values={"email": echoed(email.strip())}, status=400)
    count_attempt(request, "subscribe", account=address)
    subscription = subscriptions.request_subscription(db(request), settings, address)
    response = _page(request, sent_to=address)
    message = confirmation_mail(settings, request.app.state.secret_key, subscription)
    response.background = BackgroundTask(send_confirmation, settings, subscription.id, message)
    return response


@pages.get("/subscribe/confirm/{token}")
def confirm_form(request: Request, token: str) -> Response:
    return form_page(request, "digest/confirm.html", {"title": "Confirm your subscription", "token": token})


@pages.post("/subscribe/confirm/{token}")
def confirm(request: Request, token: str) -> Response:
    try:
        confirmed = subscriptions.confirm_by_token(db(request), request.app.state.secret_key, token)
    except LinkInvalid as error:
        return form_page(request, "digest/confirm.html", {"title": "Confirm your subscription", "problem": str(error)},
                         status=400)
    return form_page(request, "digest/confirm.html", {"title": "Subscribed", "confirmed": confirmed})


def _page(request: Request, status: int = 200, **context) -> Response:
    return form_page(request, "digest/subscribe.html", {
        "title": "Subscribe", "mail": mail_enabled(request.app.state.settings), **context}, status=status)
