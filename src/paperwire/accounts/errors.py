"""What the accounts layer refuses, each naming the field or member it is about."""

from __future__ import annotations


class AccountError(ValueError):
    """An input that cannot be used; ``field`` names it (username, email, password, role, ...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class AlreadyTaken(AccountError):
    """A username or e-mail address another account already holds."""


class UnknownMember(LookupError):
    """No account with that id, username or e-mail."""
