"""E-mail addresses as paperwire accepts them: one plain ASCII ``local@domain``, nothing more.

Stricter than RFC 5322 on purpose (no quoted local parts, comments, or raw Unicode): an
address that passes can be put in a header or a database key without surprises. An
international domain is written in its ``xn--`` form.
"""

from __future__ import annotations

import re

MAX_LENGTH = 254
# Printable ASCII without the characters that need quoting in an address.
_LOCAL_PART = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}")
_DOMAIN_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class InvalidAddress(ValueError):
    """An address that cannot be used, with the reason."""


def check_address(address: object) -> str:
    """``address`` unchanged when usable, or InvalidAddress saying what is wrong with it."""
    if not isinstance(address, str):
        raise InvalidAddress("e-mail address must be text")
    if len(address) > MAX_LENGTH:
        raise InvalidAddress(f"e-mail address is too long: at most {MAX_LENGTH} characters, got {len(address)}")
    shown = shown_value(address)
    if not address.isascii() or not address.isprintable() or " " in address:
        raise InvalidAddress(
            f"e-mail address {shown} may hold no spaces, control or non-ASCII characters"
            " (write an international domain in its xn-- form)"
        )
    if address.count("@") != 1:
        raise InvalidAddress(f"e-mail address {shown} must hold exactly one '@'")
    local, domain = address.split("@")
    if not _LOCAL_PART.fullmatch(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise InvalidAddress(f"e-mail address {shown}: the part before '@' is not valid")
    labels = domain.split(".")
    if not all(_DOMAIN_LABEL.fullmatch(label) for label in labels) or (
        len(labels) < 2 and domain.lower() != "localhost"
    ):
        raise InvalidAddress(f"e-mail address {shown}: the domain after '@' is not valid (e.g. example.org)")
    return address


def shown_value(value: object, limit: int = 60) -> str:
    """``value`` for an error message: quoted with escapes (control characters and RTL marks
    visible, nothing that rewrites a terminal or page), cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
