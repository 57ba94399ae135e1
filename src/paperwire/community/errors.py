"""What the community's operations refuse. Each carries the HTTP ``status`` the web layer answers.

The message is meant for the member: it says what was refused and, where it helps, what to
do instead. ``Invalid.field`` names the input at fault so a form can point at it.
"""

from __future__ import annotations


class CommunityError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotSignedIn(CommunityError):
    status = 401

    def __init__(self, message: str = "sign in first") -> None:
        super().__init__(message)


class NotAllowed(CommunityError):
    status = 403


class NotFound(CommunityError):
    """Also what someone else's private things answer, so that their existence does not leak."""

    status = 404


class Invalid(CommunityError):
    status = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class Conflict(CommunityError):
    """The request clashes with what is already there (a duplicate submission, a second claim)."""

    status = 409


class Unavailable(CommunityError):
    """A service the operation needs (arXiv, for an unknown paper) cannot be reached now."""

    status = 503
