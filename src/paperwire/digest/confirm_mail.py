"""The mail that starts a visitor's digest: the signed link to confirm it (double opt-in).

Sent after the answer has gone (a background task), never inside a transaction, so the page
looks and takes the same whether or not the address was subscribed already. A mail that
cannot be sent is logged with the subscription's id, never its link.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage

from paperwire.config import ConfigError, Settings
from paperwire.digest.links import CONFIRM_MAX_AGE_S, confirm_token, confirm_url
from paperwire.digest.render import mail_templates
from paperwire.digest.subscriptions import Subscription
from paperwire.links import site_url
from paperwire.mail.inline import inlined
from paperwire.mail.message import InvalidMessage, build_message
from paperwire.mail.smtp import MailError, send

log = logging.getLogger(__name__)


def confirmation_mail(settings: Settings, secret_key: str, subscription: Subscription) -> EmailMessage:
    """The confirmation mail for ``subscription``, plain text and HTML (its CSS inlined)."""
    context = {
        "site_name": settings.site_name,
        "email": subscription.email,
        "confirm_url": confirm_url(settings, confirm_token(secret_key, subscription.id, subscription.email)),
        "valid_days": CONFIRM_MAX_AGE_S // (24 * 3600),
        "site_url": site_url(settings, "/"),
    }
    templates = mail_templates()
    text = templates.get_template("subscribe_confirm.txt").render(context)
    html = inlined(templates.get_template("subscribe_confirm.html").render(context))
    return build_message(settings, subscription.email, f"Confirm your {settings.site_name} digest", text, html)


def send_confirmation(settings: Settings, subscription_id: int, message: EmailMessage) -> None:
    try:
        send(settings, message)
    except (MailError, ConfigError, InvalidMessage) as error:
        log.warning("the confirmation mail of digest subscription %d was not sent: %s", subscription_id, error)
