"""/settings: the signed-in member's own account: password, e-mail address, API tokens, deletion.

Each change asks for the current password (a borrowed, unlocked browser is not enough to take
the account over) and is counted against the sign-in rate limit, like any password guess.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from paperwire.accounts import tokens, users
from paperwire.accounts.errors import AccountError
from paperwire.accounts.members import Member
from paperwire.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from paperwire.community import members
from paperwire.community.errors import Invalid, NotFound
from paperwire.mail.smtp import mail_enabled
from paperwire.web.auth.errors import refusal
from paperwire.web.auth.forms import echoed, form_page
from paperwire.web.auth.limits import count_attempt
from paperwire.web.auth.mails import verification_mail
from paperwire.web.auth.session import signed_in, signed_out
from paperwire.web.auth.viewer import require_viewer

router = APIRouter(prefix="/settings", include_in_schema=False)

WRONG_PASSWORD = "that is not your current password"
NOTICES = {  # ?done=...: fixed texts, so no URL can put words on the page
    "welcome": "Welcome! You are signed in.",
    "password": "Your password is changed. Every other session of yours has ended.",
    "email": "Your e-mail address is changed.",
    "verification-sent": "We sent a new confirmation link to your address.",
    "revoked": "The token is revoked: it no longer works.",
}


@router.get("")
def settings_page(request: Request, done: str = "") -> Response:
    return _page(request, require_viewer(request), notice=NOTICES.get(done))


@router.post("/password")
def change_password(request: Request, current_password: str = Form(""), new_password: str = Form("")) -> Response:
    """A new password; every session ends, and this browser goes on with a new one."""
    member = _confirmed(request, current_password)
    if member is None:
        return _page(request, require_viewer(request), errors={"current_password": WRONG_PASSWORD}, status=400)
    try:
        users.change_password(request.app.state.catalog.engine, member.id, new_password)
    except AccountError as error:
        return _page(request, member, errors={"new_password": str(error)}, status=400)
    return signed_in(request, member, "/settings?done=password")


@router.post("/email")
def change_email(request: Request, email: str = Form(""), password: str = Form("")) -> Response:
    """A new address, unverified until its link (sent where mail is on) is followed."""
    member = _confirmed(request, password)
    if member is None:
        return _page(request, require_viewer(request), errors={"password": WRONG_PASSWORD},
                     values={"email": echoed(email.strip())}, status=400)
    settings = request.app.state.settings
    try:
        users.change_email(request.app.state.catalog.engine, member.id, email.strip())
        if not mail_enabled(settings):  # no link could reach them: the address counts as it is
            users.mark_email_verified(request.app.state.catalog.engine, member.id)
    except AccountError as error:
        return _page(request, member, errors={"email": str(error)}, values={"email": echoed(email.strip())},
                     status=refusal(error).status)
    response = RedirectResponse("/settings?done=email", status_code=303)
    if mail_enabled(settings):
        response.background = verification_mail(request, users.member_by_id(request.app.state.catalog.engine,
                                                                            member.id))
    return response


@router.post("/verification")
def resend_verification(request: Request) -> Response:
    member = require_viewer(request)
    if member.email_verified or not mail_enabled(request.app.state.settings):
        return RedirectResponse("/settings", status_code=303)
    count_attempt(request, "password_reset", account=str(member.id))  # a mail to the member, on request
    response = RedirectResponse("/settings?done=verification-sent", status_code=303)
    response.background = verification_mail(request, member)
    return response


@router.post("/tokens")
def create_token(request: Request, name: str = Form(""), scope: str = Form("read")) -> Response:
    """A new API token, shown on this answer only: it is stored hashed and never shown again."""
    member = require_viewer(request)
    try:
        token, _ = tokens.create_token(request.app.state.catalog.engine, member, name, scope)
    except AccountError as error:
        return _page(request, member, errors={f"token_{error.field}": str(error)},
                     values={"token_name": echoed(name.strip())}, status=400)
    return _page(request, member, new_token=token, new_token_name=name.strip(), new_token_scope=scope)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int) -> Response:
    if not tokens.revoke_token(request.app.state.catalog.engine, require_viewer(request), token_id):
        raise NotFound("you have no live token with this id")
    return RedirectResponse("/settings?done=revoked", status_code=303)


@router.post("/delete")
def delete_account(request: Request, password: str = Form("")) -> Response:
    """Delete the account for good: votes (taken back from each paper's count), library, tokens
    and sessions go; comments stay, as "deleted user"."""
    member = require_viewer(request)
    count_attempt(request, "sign_in", account=member.username)
    try:
        members.delete_account(request.app.state.catalog.engine, request.app.state.policy, member, password)
    except Invalid as error:
        return _page(request, member, errors={"delete_password": error.message.removeprefix("password: ")},
                     status=400)
    # The account's sessions went with it: only the cookie is left to drop.
    return signed_out(request, RedirectResponse("/signin?done=deleted", status_code=303))


def _confirmed(request: Request, password: str) -> Member | None:
    """The member, when ``password`` is their current one; None otherwise."""
    member = require_viewer(request)
    count_attempt(request, "sign_in", account=member.username)
    return users.authenticate(request.app.state.catalog.engine, member.username, password)


def _page(request: Request, member: Member, status: int = 200, **context) -> Response:
    listed = tokens.list_tokens(request.app.state.catalog.engine, member)
    return form_page(request, "auth/settings.html", {
        "title": "Settings", "active": "settings", "member": member, "tokens": listed, "scopes": tokens.SCOPES,
        "mail": mail_enabled(request.app.state.settings), "min_length": MIN_LENGTH, "max_length": MAX_LENGTH,
        **context}, status=status)
