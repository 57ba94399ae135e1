"""What a reader has told the site, read from the catalog: the papers they upvoted, saved or
collected (positives), marked "not interested", or saw. Portable SQL: SQLite and PostgreSQL.

``signature`` is the cheap question asked on every For-you request: it changes whenever any
of these change (counts and the latest timestamps of votes, library entries and collection
items), so a trained model is reused until then.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select, union

from paperwire.store.people_schema import collection_items, collections, library_items, votes
from paperwire.store.schema import papers

MAX_POSITIVES = 500  # the most recent ones train the model: a reader's tastes move


@dataclass(frozen=True)
class Signals:
    positives: tuple[int, ...]  # doc ids upvoted, saved or collected, most recent first
    dismissed: tuple[int, ...]  # "not interested"
    excluded: frozenset[int]  # never recommended: the above and the papers marked seen

    @property
    def any(self) -> bool:
        return bool(self.positives or self.dismissed)


def _collected(member_id: int):
    return (select(collection_items.c.doc_id, collection_items.c.added_at.label("at"))
            .join(collections, collections.c.id == collection_items.c.collection_id)
            .where(collections.c.user_id == member_id))


def signature(db: Engine, member_id: int) -> tuple:
    """Counts and latest timestamps of the member's votes, library entries and collection items."""
    mine_voted = votes.c.user_id == member_id
    mine_kept = library_items.c.user_id == member_id
    collected = _collected(member_id).subquery()
    query = select(*(select(aggregate).where(*where).scalar_subquery() for aggregate, where in (
        (func.count(), (mine_voted,)), (func.max(votes.c.created_at), (mine_voted,)),
        (func.count(), (mine_kept,)), (func.max(library_items.c.updated_at), (mine_kept,)))),
        *(select(aggregate).select_from(collected).scalar_subquery()
          for aggregate in (func.count(), func.max(collected.c.at))))
    with db.connect() as conn:
        return tuple(str(value) for value in conn.execute(query).one())


def reader_signals(db: Engine, member_id: int) -> Signals:
    kept = library_items.c
    positive = union(
        select(votes.c.doc_id, votes.c.created_at.label("at")).where(votes.c.user_id == member_id),
        select(kept.doc_id, kept.saved_at.label("at")).where(kept.user_id == member_id, kept.saved_at.is_not(None)),
        _collected(member_id),
    ).subquery()
    newest_first = (select(positive.c.doc_id, func.max(positive.c.at).label("at"))
                    .join(papers, papers.c.doc_id == positive.c.doc_id).where(papers.c.deleted.is_(False))
                    .group_by(positive.c.doc_id).order_by(func.max(positive.c.at).desc(), positive.c.doc_id.desc()))
    with db.connect() as conn:
        positives = [row.doc_id for row in conn.execute(newest_first)]
        marks = conn.execute(select(kept.doc_id, kept.dismissed_at, kept.seen_at).where(kept.user_id == member_id)).all()
    dismissed = tuple(row.doc_id for row in marks if row.dismissed_at is not None)
    seen = {row.doc_id for row in marks if row.seen_at is not None}
    return Signals(tuple(positives[:MAX_POSITIVES]), dismissed, frozenset({*positives, *dismissed, *seen}))
