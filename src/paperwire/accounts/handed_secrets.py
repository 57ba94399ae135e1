"""The random secrets handed out (session cookies, API tokens) and the digests kept instead.

Only the SHA-256 of a secret is stored: a copy of the database signs nobody in. A plain
digest suffices (no slow hash) because the secrets are 256 random bits, not guessable words.
"""

from __future__ import annotations

import hashlib
import secrets

MAX_SECRET_LENGTH = 128  # anything longer was not handed out here: refused before hashing


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def plausible(secret: object) -> bool:
    """Whether ``secret`` could be one of ours (text of a sane length), before any lookup."""
    return isinstance(secret, str) and 0 < len(secret) <= MAX_SECRET_LENGTH
