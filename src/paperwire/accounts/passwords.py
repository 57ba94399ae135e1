"""Passwords: argon2id hashes, a length-only policy, and a cap on concurrent hashing.

One argon2id hash takes ~19 MiB and tens of milliseconds of one core; a burst of sign-ins
would otherwise take every core. At most ``CONCURRENT_HASHES`` run at once; a caller that
cannot get a slot within ``HASH_WAIT_S`` gets ``Busy`` (the web answers 503 with Retry-After).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
import unicodedata
from typing import Iterator, NamedTuple

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from paperwire.accounts.errors import AccountError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # long passphrases work; a megabyte "password" is refused before hashing

# OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)

CONCURRENT_HASHES = 2
HASH_WAIT_S = 5.0
_slots = threading.BoundedSemaphore(CONCURRENT_HASHES)


class Busy(RuntimeError):
    """Every hashing slot stayed taken for HASH_WAIT_S: try again in ``retry_after_s``."""

    def __init__(self, retry_after_s: int = 2) -> None:
        super().__init__(f"too many sign-ins at once; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class PasswordCheck(NamedTuple):
    matches: bool
    needs_rehash: bool  # the hash was made with other parameters: store a new one


def check_policy(password: str) -> str:
    """The password as it will be hashed (NFKC, so the same characters typed on any keyboard
    match), or AccountError saying why it cannot be used. Length, as typed, is the only rule."""
    if not isinstance(password, str):
        raise AccountError("password", "password must be text")
    if len(password) < MIN_LENGTH:
        raise AccountError("password", f"password is too short: at least {MIN_LENGTH} characters, got {len(password)}")
    if len(password) > MAX_LENGTH:
        raise AccountError("password", f"password is too long: at most {MAX_LENGTH} characters, got {len(password)}")
    if not _encodable(password):
        raise AccountError("password", "password holds broken characters (lone UTF-16 surrogates)")
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """An argon2id hash of a password that meets the policy (AccountError otherwise)."""
    normalized = check_policy(password)
    with hashing_slot():
        return HASHER.hash(normalized)


def verify_password(password_hash: str | None, password: str) -> PasswordCheck:
    """Whether ``password`` matches ``password_hash``. With no hash (an unknown account) a
    dummy hash is verified instead, so the answer takes as long as for a real account."""
    if not isinstance(password, str) or len(password) > MAX_LENGTH or not _encodable(password):
        return PasswordCheck(False, False)  # no account can hold such a password: don't hash it
    candidate = unicodedata.normalize("NFKC", password)
    with hashing_slot():
        try:
            HASHER.verify(password_hash or _dummy_hash(), candidate)
        except (VerificationError, InvalidHashError):
            return PasswordCheck(False, False)
    if password_hash is None:
        return PasswordCheck(False, False)
    return PasswordCheck(True, HASHER.check_needs_rehash(password_hash))


@contextmanager
def hashing_slot() -> Iterator[None]:
    """One of the CONCURRENT_HASHES slots, held for one hash; Busy after HASH_WAIT_S."""
    if not _slots.acquire(timeout=HASH_WAIT_S):
        raise Busy()
    try:
        yield
    finally:
        _slots.release()


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_dummy: list[str] = []


def _dummy_hash() -> str:
    # Made once per process, with the current parameters, from a password nobody types.
    if not _dummy:
        _dummy.append(HASHER.hash("not a password: a dummy to time unknown accounts"))
    return _dummy[0]
