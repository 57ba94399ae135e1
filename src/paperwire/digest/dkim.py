"""DKIM signatures on digests (dkimpy), when ``dkim_key_file`` and ``dkim_selector`` are set.

Signed at delivery, not when composed: a key changed meanwhile signs what goes out. The
signature covers the headers a forger would want to change, the two List-Unsubscribe ones
included (RFC 8058 asks for them to be signed), and the body; relaxed canonicalisation,
so that refolding by a relay does not break it.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import dkim

from paperwire.config import ConfigError, Settings
from paperwire.mail.message import sender

SIGNED_HEADERS = (b"from", b"to", b"subject", b"date", b"message-id", b"list-unsubscribe",
                  b"list-unsubscribe-post", b"mime-version", b"content-type")
# Parsed back exactly as signed: no header refolded (that could change what the signature covers).
_AS_SIGNED = policy.SMTP.clone(refold_source="none")


def dkim_enabled(settings: Settings) -> bool:
    return bool(settings.dkim_key_file and settings.dkim_selector)


def sign(settings: Settings, message: EmailMessage) -> EmailMessage:
    """``message`` with a DKIM-Signature header first (unchanged when DKIM is not configured)."""
    if not dkim_enabled(settings):
        return message
    raw = message.as_bytes(policy=_AS_SIGNED)
    domain = (settings.dkim_domain or sender(settings).domain).encode()
    try:
        signature = dkim.sign(raw, settings.dkim_selector.encode(), domain, _private_key(settings.dkim_key_file),
                              canonicalize=(b"relaxed", b"relaxed"), include_headers=list(SIGNED_HEADERS))
    except dkim.DKIMException as error:
        raise ConfigError(f"setting dkim_key_file: cannot sign with {settings.dkim_key_file}: {error}") from None
    return message_from_bytes(signature + raw, policy=_AS_SIGNED)


def _private_key(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ConfigError(f"setting dkim_key_file: cannot read {path}: {error.strerror}") from None
