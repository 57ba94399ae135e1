"""The signed-out account pages: sign up, sign in, sign out, verify an address, reset a password.

Every POST here is CSRF-checked by the app's global dependency (csrf.protect), and none of
the GETs changes anything: the verify link shows a button that POSTs, so a mail scanner
fetching the link verifies nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from paperwire.accounts import links, users
from paperwire.accounts.errors import AccountError
from paperwire.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from paperwire.mail.smtp import mail_enabled
from paperwire.web.auth.errors import refusal
from paperwire.web.auth.forms import echoed, form_page, typed_login
from paperwire.web.auth.limits import count_attempt
from paperwire.web.auth.mails import RESET_VALID_FOR, reset_mail, verification_mail
from paperwire.web.auth.next_path import local_path
from paperwire.web.auth.session import end_browser_session, signed_in, signed_out
from paperwire.web.auth.viewer import current_viewer

router = APIRouter(include_in_schema=False)

WRONG_LOGIN = "that username or e-mail address and password do not match an account"
NOTICES = {  # ?done=... after a redirect: fixed texts, so no URL can put words on the page
    "password-reset": "Your password is changed and every session ended: sign in with the new password.",
    "deleted": "Your account is deleted. Your comments stay, signed “deleted user”.",
}


def _policy() -> dict:
    return {"min_length": MIN_LENGTH, "max_length": MAX_LENGTH}


@router.get("/signup")
def signup_form(request: Request) -> Response:
    return form_page(request, "auth/signup.html", {"title": "Sign up", "active": "signup",
                                                     "mail": mail_enabled(request.app.state.settings), **_policy()})


@router.post("/signup")
def signup(request: Request, username: str = Form(""), email: str = Form(""), password: str = Form("")) -> Response:
    settings = request.app.state.settings
    count_attempt(request, "sign_up")
    try:
        member = users.create_user(request.app.state.catalog.engine, username.strip(), email.strip(), password,
                                   verified=not mail_enabled(settings))
    except AccountError as error:
        return form_page(request, "auth/signup.html", {
            "title": "Sign up", "active": "signup", "mail": mail_enabled(settings), **_policy(),
            "errors": {error.field: str(error)},
            "values": {"username": echoed(username.strip()), "email": echoed(email.strip())},
        }, status=refusal(error).status)
    response = signed_in(request, member, "/welcome")
    if mail_enabled(settings):
        response.background = verification_mail(request, member)
    return response


@router.get("/signin")
def signin_form(request: Request, next: str = "", done: str = "") -> Response:
    return form_page(request, "auth/signin.html", {"title": "Sign in", "active": "signin",
                                                     "next": local_path(next) or "", "notice": NOTICES.get(done)})


@router.post("/signin")
def signin(request: Request, login: str = Form(""), password: str = Form(""), next: str = Form("")) -> Response:
    typed, problem = typed_login(login)
    count_attempt(request, "sign_in", account=typed or None)
    member = users.authenticate(request.app.state.catalog.engine, typed, password) if problem is None else None
    if member is None:
        return form_page(request, "auth/signin.html", {
            "title": "Sign in", "active": "signin", "next": local_path(next) or "",
            "errors": {"login": problem or WRONG_LOGIN}, "values": {"login": typed},
        }, status=400)
    return signed_in(request, member, local_path(next) or "/")


@router.post("/signout")
def signout(request: Request) -> Response:
    end_browser_session(request)
    return signed_out(request, RedirectResponse("/", status_code=303))


@router.get("/verify-email")
def verify_email_form(request: Request, token: str = "") -> Response:
    return form_page(request, "auth/verify_email.html", {"title": "Confirm your e-mail address", "token": token})


@router.post("/verify-email")
def verify_email(request: Request, token: str = Form("")) -> Response:
    try:
        member = links.verify_email(request.app.state.catalog.engine, request.app.state.secret_key, token)
    except links.LinkInvalid as error:
        return form_page(request, "auth/verify_email.html", {
            "title": "Confirm your e-mail address", "token": "", "problem": str(error),
            "member": current_viewer(request)}, status=400)
    return form_page(request, "auth/verify_email.html", {"title": "Address confirmed", "verified": member.email})


@router.get("/forgot-password")
def forgot_password_form(request: Request) -> Response:
    return form_page(request, "auth/forgot_password.html", {"title": "Forgot your password?",
                                                              "mail": mail_enabled(request.app.state.settings)})


@router.post("/forgot-password")
def forgot_password(request: Request, email: str = Form("")) -> Response:
    """The same answer, in the same time, whether or not an account has this address."""
    settings = request.app.state.settings
    context = {"title": "Forgot your password?", "mail": mail_enabled(settings), "valid_for": RESET_VALID_FOR}
    try:
        address = users.check_email(email.strip())
    except AccountError as error:
        return form_page(request, "auth/forgot_password.html", {
            **context, "errors": {"email": str(error)}, "values": {"email": echoed(email.strip())}}, status=400)
    count_attempt(request, "password_reset", account=address)
    response = form_page(request, "auth/forgot_password.html", {**context, "sent_to": address})
    member = users.member_by_email(request.app.state.catalog.engine, address) if mail_enabled(settings) else None
    if member is not None and not member.disabled:
        response.background = reset_mail(request, member)
    return response


@router.get("/reset-password")
def reset_password_form(request: Request, token: str = "") -> Response:
    links.member_for_reset(request.app.state.catalog.engine, request.app.state.secret_key, token)  # still good?
    return form_page(request, "auth/reset_password.html", {"title": "Choose a new password", "token": token,
                                                             **_policy()})


@router.post("/reset-password")
def reset_password(request: Request, token: str = Form(""), password: str = Form("")) -> Response:
    """A new password through a mailed link: the link is spent and every session ends."""
    try:
        links.reset_password(request.app.state.catalog.engine, request.app.state.secret_key, token, password)
    except AccountError as error:
        return form_page(request, "auth/reset_password.html", {
            "title": "Choose a new password", "token": token, **_policy(), "errors": {error.field: str(error)},
        }, status=400)
    return signed_out(request, RedirectResponse("/signin?done=password-reset", status_code=303))
