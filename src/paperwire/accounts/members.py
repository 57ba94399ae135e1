"""Who is asking: the signed-in member a request, token or command acts as."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("member", "moderator", "admin")


@dataclass(frozen=True)
class Member:
    id: int
    username: str
    role: str  # one of ROLES
    email_verified: bool
    disabled: bool = False

    @property
    def is_moderator(self) -> bool:
        """Moderators and admins moderate; admins also read the audit log and set roles."""
        return self.role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
