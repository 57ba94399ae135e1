"""Saved searches: a member's standing queries, and the new papers that match them.

A query is written in the search box's syntax (``sparse autoencoder cat:cs.LG``). The search
box forgives what it cannot use; a saved search is kept for months, so here that is refused
with the reason instead. Matching is by words (keyword mode): an alert must hold what was
asked for, not merely something close in meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Collection, Sequence

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError

from paperwire.accounts.members import Member
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.community.errors import Conflict, Invalid, NotAllowed, NotFound
from paperwire.community.rules import Policy
from paperwire.community.text import clean_line, require_text
from paperwire.search.query import SearchFilters, parse_query
from paperwire.search.service import SearchService
from paperwire.store import StoredPaper
from paperwire.store.reader_schema import saved_searches

MAX_QUERY_CHARS = 500  # the saved_searches.query column
# What each operator needs, said when a query uses one in a way the search box would ignore.
_OPERATOR_HINTS = {
    "author": "it needs a name", "cat": "it needs a category", "category": "it needs a category",
    "primary": "it needs a category", "has": "only has:code is known",
    "since": "dates are written YYYY-MM-DD, YYYY-MM or YYYY", "until": "dates are written YYYY-MM-DD, YYYY-MM or YYYY",
}


@dataclass(frozen=True)
class SavedSearch:
    id: int
    query: str
    created_at: datetime


def add(db: Engine, policy: Policy, viewer: Member | None, query: object) -> SavedSearch:
    """Save a search for the viewer; the same query twice (case and spacing aside) is refused."""
    member = policy.require_member(viewer)
    text = checked_query(query)
    limit = policy.settings.saved_searches_per_member
    mine = saved_searches.c.user_id == member.id
    try:
        with db.begin() as conn:
            existing = conn.execute(select(saved_searches.c.query).where(mine)).scalars().all()
            if any(q.casefold() == text.casefold() for q in existing):
                raise Conflict(f'you already saved the search "{text}"')
            if len(existing) >= limit:
                raise NotAllowed(f"you have {len(existing):,} saved searches, the most allowed is {limit:,}; "
                                 "remove one first")
            now = utc_now()
            new_id = conn.execute(saved_searches.insert().values(user_id=member.id, query=text, created_at=now)
                                  .returning(saved_searches.c.id)).scalar_one()
    except IntegrityError:  # the same query saved at the same moment by another request
        raise Conflict(f'you already saved the search "{text}"') from None
    return SavedSearch(new_id, text, now)


def remove(db: Engine, policy: Policy, viewer: Member | None, search_id: int) -> None:
    """Remove one of the viewer's saved searches; anyone else's answers NotFound."""
    member = policy.require_member(viewer)
    with db.begin() as conn:
        gone = conn.execute(delete(saved_searches).where(saved_searches.c.id == search_id,
                                                         saved_searches.c.user_id == member.id)
                            .returning(saved_searches.c.id)).first()
    if gone is None:
        raise NotFound("no such saved search")


def mine(db: Engine, policy: Policy, viewer: Member | None) -> list[SavedSearch]:
    """The viewer's saved searches, oldest first."""
    return of_member(db, policy.require_member(viewer).id)


def of_member(db: Engine, member_id: int) -> list[SavedSearch]:
    return of_members(db, [member_id])[member_id]


def of_members(db: Engine, member_ids: Collection[int]) -> dict[int, list[SavedSearch]]:
    """Each of these members' saved searches, oldest first, in one read (a digest composes hundreds at once)."""
    found: dict[int, list[SavedSearch]] = {member_id: [] for member_id in member_ids}
    query = (select(saved_searches).where(saved_searches.c.user_id.in_(list(found)))
             .order_by(saved_searches.c.created_at, saved_searches.c.id))
    with db.connect() as conn:
        for row in conn.execute(query):
            found[row.user_id].append(SavedSearch(row.id, row.query, as_utc(row.created_at)))
    return found


def checked_query(query: object) -> str:
    """The query as it is kept (white space folded), or Invalid saying what cannot be used."""
    text = require_text(clean_line(query, "query", MAX_QUERY_CHARS), "query")
    if text.count('"') % 2:
        raise Invalid("query", 'a quotation mark is not closed: write phrases as "sparse autoencoder"')
    parsed = parse_query(text)
    for term in parsed.terms:
        operator, colon, value = term.partition(":")
        hint = _OPERATOR_HINTS.get(operator.lower()) if colon else None
        if hint:
            raise Invalid("query", f"{term!r} cannot be used: {hint}")
    if parsed.is_empty and not parsed.filters.active:
        raise Invalid("query", "it has no words to look for (words after a minus sign are only left out)")
    return text


def new_matches(search: SearchService, saved: Sequence[SavedSearch], *, since: date, until: date,
                limit: int) -> list[tuple[StoredPaper, str]]:
    """Papers listed from ``since`` to ``until`` (both included) that match any of these saved
    searches (a member's), best first, each with its reason: 'matches your search "sparse autoencoder"'.

    Each search ranks its own matches; the lists are merged taking every search's best
    match, then every search's second, and so on, so that one broad query does not crowd
    out the others. Raises IndexMissing when the site has no search index yet.
    """
    window = SearchFilters(since=since, until=until)
    ranked = [(saved.query, search.search(saved.query, filters=window, mode="keyword", limit=limit).hits)
              for saved in saved]
    merged: dict[int, tuple[StoredPaper, str]] = {}
    for position in range(max((len(hits) for _, hits in ranked), default=0)):
        for query, hits in ranked:
            if position < len(hits) and len(merged) < limit:
                paper = hits[position].paper
                merged.setdefault(paper.doc_id, (paper, f'matches your search "{query}"'))
    return list(merged.values())
