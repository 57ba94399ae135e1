"""The account mails: a link to verify an address, a link to reset a password.

They are sent after the answer has gone (a background task), so how long an answer takes
does not tell whether an account exists, and a slow mail server does not hold a page. A mail
that cannot be sent is logged with its kind and member id: never its link.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from urllib.parse import urlencode

from fastapi import Request
from starlette.background import BackgroundTask

from paperwire.accounts import links
from paperwire.accounts.members import Member
from paperwire.config import ConfigError, Settings
from paperwire.links import site_url
from paperwire.mail.message import InvalidMessage, build_message
from paperwire.mail.smtp import MailError, send

log = logging.getLogger(__name__)
RESET_VALID_FOR = "one hour"


def verification_mail(request: Request, member: Member) -> BackgroundTask:
    site = request.app.state.settings.site_name
    token = links.verify_email_token(request.app.state.secret_key, member)
    return _mail(request, member, "verification", f"Confirm your address on {site}", (
        f"please confirm that {member.email} is your address on {site}:\n\n"
        f"{_link(request, '/verify-email', token)}\n\n"
        "If you did not sign up, ignore this mail: nothing happens without the link.\n"))


def reset_mail(request: Request, member: Member) -> BackgroundTask:
    site = request.app.state.settings.site_name
    token = links.password_reset_token(request.app.state.catalog.engine, request.app.state.secret_key, member)
    return _mail(request, member, "password reset", f"Reset your password on {site}", (
        f"someone (you, we hope) asked to reset your password on {site}. "
        f"This link sets a new one; it works once, for {RESET_VALID_FOR}:\n\n"
        f"{_link(request, '/reset-password', token)}\n\n"
        "If it was not you, ignore this mail: your password stays as it is.\n"))


def _link(request: Request, path: str, token: str) -> str:
    return site_url(request.app.state.settings, path, urlencode({"token": token}))


def _mail(request: Request, member: Member, kind: str, subject: str, text: str) -> BackgroundTask:
    """The mail to ``member``, to be sent once the answer has gone."""
    settings = request.app.state.settings
    message = build_message(settings, member.email, subject, f"Hello {member.username},\n\n{text}",
                            to_name=member.username)
    return BackgroundTask(_deliver, settings, member.id, kind, message)


def _deliver(settings: Settings, member_id: int, kind: str, message: EmailMessage) -> None:
    try:
        send(settings, message)
    except (MailError, ConfigError, InvalidMessage) as error:
        log.warning("the %s mail to member %d was not sent: %s", kind, member_id, error)
