"""Who is asking: the signed-in member a request, token or command acts as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

ROLES = ("member", "moderator", "admin")


@dataclass(frozen=True)
class Member:
    id: int
    username: str
    role: str  # one of ROLES
    email_verified: bool
    disabled: bool = False
    email: str = ""  # where links and digests go; empty where the caller did not need it

    @property
    def is_moderator(self) -> bool:
        """Moderators and admins moderate; admins also read the audit log and set roles."""
        return self.role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def member_from_row(row: Mapping) -> Member:
    """A Member from a row of the ``users`` table (or a join that holds its columns)."""
    return Member(
        id=row["id"],
        username=row["username"],
        role=row["role"],
        email_verified=row["email_verified_at"] is not None,
        disabled=row["disabled_at"] is not None,
        email=row["email"],
    )
