"""The audit log: every moderator's action, written in the same transaction as the action.

So the log cannot miss an action that happened, nor hold one that was rolled back. The
actor's name is copied in: the entry still says who acted after their account is gone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from paperwire.accounts.members import Member
from paperwire.store.people_schema import audit_log


def record(conn: Connection, actor: Member, action: str, target_kind: str, target_id: object,
           detail: dict, now: datetime) -> None:
    """Log ``actor`` doing ``action`` (e.g. "comment.hide") to ``target_kind`` ``target_id``."""
    conn.execute(insert(audit_log).values(
        actor_id=actor.id, actor_name=actor.username, action=action, target_kind=target_kind,
        target_id=str(target_id), detail=detail, created_at=now))
