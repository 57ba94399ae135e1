"""Overload, told apart from failure: the catalog could not hand out a connection in time,
SQLite found the file locked by a writer, or a statement ran past its time budget. All pass;
the answer is 503 with Retry-After, not 500."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

RETRY_AFTER_S = 5
RETRY_AFTER = {"Retry-After": str(RETRY_AFTER_S)}
BUSY_MESSAGE = f"the server is busy right now; try again in {RETRY_AFTER_S} seconds"
OVERLOAD_ERRORS = (PoolTimeout, OperationalError)  # what to catch; is_overload says which of them are
# ... and a search statement PostgreSQL cancelled at its time budget (search.postgres.service).
_BUSY_DATABASE = ("database is locked", "database table is locked", "too many clients",
                  "canceling statement due to statement timeout")


def is_overload(exc: BaseException) -> bool:
    """True for a pool timeout, a locked SQLite file, PostgreSQL out of connections, or a statement
    it cancelled at its timeout."""
    if isinstance(exc, PoolTimeout):
        return True
    return isinstance(exc, OperationalError) and any(text in str(exc.orig) for text in _BUSY_DATABASE)
