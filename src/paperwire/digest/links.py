"""The signed links in digest mail: confirm a subscription (double opt-in), unsubscribe.

Signed with the site secret (itsdangerous), one salt per purpose, naming the subscription
and the address it was made for: after a change of address, an old link does nothing. A
confirmation link expires; an unsubscribe link never does (RFC 8058: it must keep working
for as long as the mail sits in an inbox), and it needs no cookie or CSRF token, the
signature being the proof.
"""

from __future__ import annotations

from paperwire.accounts.links import link_serializer, load_link_token
from paperwire.config import Settings

CONFIRM_MAX_AGE_S = 7 * 24 * 3600
_CONFIRM_SALT = "paperwire.digest-confirm"
_UNSUBSCRIBE_SALT = "paperwire.digest-unsubscribe"


def confirm_token(secret_key: str, subscription_id: int, email: str) -> str:
    return link_serializer(secret_key, _CONFIRM_SALT).dumps([subscription_id, email.lower()])


def load_confirm_token(secret_key: str, token: object) -> tuple[int, str]:
    """(subscription id, address key) of a confirmation link, or LinkInvalid / LinkExpired."""
    return load_link_token(secret_key, _CONFIRM_SALT, token, CONFIRM_MAX_AGE_S, "confirmation")


def unsubscribe_token(secret_key: str, subscription_id: int, email: str) -> str:
    return link_serializer(secret_key, _UNSUBSCRIBE_SALT).dumps([subscription_id, email.lower()])


def load_unsubscribe_token(secret_key: str, token: object) -> tuple[int, str]:
    """(subscription id, address key) of an unsubscribe link, or LinkInvalid."""
    return load_link_token(secret_key, _UNSUBSCRIBE_SALT, token, None, "unsubscribe")


def confirm_url(settings: Settings, token: str) -> str:
    return f"{settings.base_url.rstrip('/')}/subscribe/confirm/{token}"


def unsubscribe_url(settings: Settings, token: str) -> str:
    """The page a reader's "Unsubscribe" link opens (GET), and the one-click POST target."""
    return f"{settings.base_url.rstrip('/')}/unsubscribe/{token}"


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers: mail programs show an Unsubscribe button that POSTs to ``url``."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
