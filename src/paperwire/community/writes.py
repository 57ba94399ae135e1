"""What the community's writes share: the paper's row taken first, inserts that skip duplicates.

Every write that changes a paper's counters (votes, comments, trending) takes the paper's
row before it reads anything: on PostgreSQL the UPDATE holds that row's lock until commit,
so concurrent writers to one paper queue up; on SQLite it takes the database's write lock
at once, so no transaction reads a snapshot that a writer then invalidates (which SQLite
would answer with "database is locked" without waiting its busy timeout).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row

from paperwire.community.errors import NotFound
from paperwire.store.schema import papers


@dataclass(frozen=True)
class LockedPaper:
    """A paper's counters as they stand while its row is held."""

    doc_id: int
    votes: int
    num_comments: int
    trending_score: float


# Statements built once: a vote runs several, and one built afresh paid its construction and
# cache key each time (about a third of a vote's CPU).
_LOCK_PAPER = (update(papers)
               .where(papers.c.doc_id == bindparam("locked_doc_id"), papers.c.deleted.is_(False))
               .values(votes=papers.c.votes)  # changes nothing; taking the lock is the point
               .returning(papers.c.votes, papers.c.num_comments, papers.c.trending_score))


def lock_paper(conn: Connection, doc_id: int) -> LockedPaper:
    """Take the row of paper ``doc_id`` for this transaction; NotFound for no such (live) paper."""
    row = conn.execute(_LOCK_PAPER, {"locked_doc_id": doc_id}).first()
    if row is None:
        raise NotFound("no such paper")
    return LockedPaper(doc_id, row.votes, row.num_comments, row.trending_score)


def insert_new(conn: Connection, table: Table, values: dict) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING: True when the row was new."""
    return inserted_key(conn, table, values) is not None


def inserted_key(conn: Connection, table: Table, values: dict) -> Row | None:
    """INSERT ... ON CONFLICT DO NOTHING: the new row's primary key, None when it was there already."""
    return conn.execute(_insert_skipping_duplicates(conn.dialect.name, table), values).first()


@functools.cache
def _insert_skipping_duplicates(dialect_name: str, table: Table):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    # RETURNING, not rowcount: drivers need not count the rows an INSERT wrote (psycopg does not).
    # The values come with each execution, so one statement serves every insert into ``table``.
    return dialect.insert(table).on_conflict_do_nothing().returning(*table.primary_key.columns)
