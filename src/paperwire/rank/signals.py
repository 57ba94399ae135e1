"""What a reader has told the site, read from the catalog: the papers they upvoted, saved or
collected (positives), marked "not interested", or saw. Portable SQL: SQLite and PostgreSQL.

``signature`` is the cheap question asked on every For-you request: it changes whenever any
of these change (counts and the latest timestamps of votes, library entries and collection
items), so a trained model is reused until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection

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


def _collected(member_ids: Collection[int]):
    return (select(collections.c.user_id, collection_items.c.doc_id, collection_items.c.added_at.label("at"))
            .join(collections, collections.c.id == collection_items.c.collection_id)
            .where(collections.c.user_id.in_(member_ids)))


def signature(db: Engine, member_id: int) -> tuple:
    """Counts and latest timestamps of the member's votes, library entries and collection items."""
    mine_voted = votes.c.user_id == member_id
    mine_kept = library_items.c.user_id == member_id
    collected = _collected([member_id]).subquery()
    query = select(*(select(aggregate).where(*where).scalar_subquery() for aggregate, where in (
        (func.count(), (mine_voted,)), (func.max(votes.c.created_at), (mine_voted,)),
        (func.count(), (mine_kept,)), (func.max(library_items.c.updated_at), (mine_kept,)))),
        *(select(aggregate).select_from(collected).scalar_subquery()
          for aggregate in (func.count(), func.max(collected.c.at))))
    with db.connect() as conn:
        return tuple(str(value) for value in conn.execute(query).one())


def reader_signals(db: Engine, member_id: int) -> Signals:
    return readers_signals(db, [member_id])[member_id]


def readers_signals(db: Engine, member_ids: Collection[int]) -> dict[int, Signals]:
    """Each of these members' signals, in two reads whatever their number (a digest composes
    hundreds of readers at once)."""
    ids = list(dict.fromkeys(member_ids))
    kept = library_items.c
    positive = union(
        select(votes.c.user_id, votes.c.doc_id, votes.c.created_at.label("at")).where(votes.c.user_id.in_(ids)),
        select(kept.user_id, kept.doc_id, kept.saved_at.label("at")).where(kept.user_id.in_(ids),
                                                                          kept.saved_at.is_not(None)),
        _collected(ids),
    ).subquery()
    newest_first = (select(positive.c.user_id, positive.c.doc_id, func.max(positive.c.at).label("at"))
                    .join(papers, papers.c.doc_id == positive.c.doc_id).where(papers.c.deleted.is_(False))
                    .group_by(positive.c.user_id, positive.c.doc_id)
                    .order_by(positive.c.user_id, func.max(positive.c.at).desc(), positive.c.doc_id.desc()))
    positives: dict[int, list[int]] = {member_id: [] for member_id in ids}
    dismissed: dict[int, list[int]] = {member_id: [] for member_id in ids}
    seen: dict[int, set[int]] = {member_id: set() for member_id in ids}
    with db.connect() as conn:
        for row in conn.execute(newest_first):
            positives[row.user_id].append(row.doc_id)
        for row in conn.execute(select(kept.user_id, kept.doc_id, kept.dismissed_at, kept.seen_at)
                                .where(kept.user_id.in_(ids)).order_by(kept.user_id, kept.doc_id)):
            if row.dismissed_at is not None:
                dismissed[row.user_id].append(row.doc_id)
            if row.seen_at is not None:
                seen[row.user_id].add(row.doc_id)
    return {member_id: Signals(tuple(positives[member_id][:MAX_POSITIVES]), tuple(dismissed[member_id]),
                               frozenset({*positives[member_id], *dismissed[member_id], *seen[member_id]}))
            for member_id in ids}
