"""papers.trending_score kept in step with the events it counts (see trending.py for the formula).

An arriving event is added to the stored score at once; a removed one (an un-vote) is
subtracted, or the paper is recomputed from its events when subtracting would lose
precision. ``rebuild`` recomputes every paper: after changing trending_half_life_hours.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Iterable, Iterator

from sqlalchemy import Engine, bindparam, func, select, update
from sqlalchemy.engine import Connection

from paperwire.community import trending
from paperwire.community.writes import LockedPaper
from paperwire.store.people_schema import comments, submissions, votes
from paperwire.store.schema import papers

REBUILD_BATCH = 2000


def with_event(paper: LockedPaper, at: datetime, weight: float, half_life_hours: float) -> float:
    return trending.add_event(paper.trending_score, trending.hours(at), weight, half_life_hours)


def without_event(conn: Connection, paper: LockedPaper, at: datetime, weight: float, half_life_hours: float) -> float:
    """The paper's score once an event is gone (its row already deleted in this transaction)."""
    remaining = trending.remove_event(paper.trending_score, trending.hours(at), weight, half_life_hours)
    if remaining is None:
        return recomputed(conn, [paper.doc_id], half_life_hours)[paper.doc_id]
    return remaining


def recomputed(conn: Connection, doc_ids: list[int], half_life_hours: float) -> dict[int, float]:
    """Scores of ``doc_ids`` from all their events, as they stand in this transaction."""
    events = paper_events(conn, doc_ids)
    return {doc_id: trending.score_of(events.get(doc_id, ()), half_life_hours) for doc_id in doc_ids}


def store_scores(conn: Connection, scores: dict[int, float]) -> None:
    if scores:
        conn.execute(update(papers).where(papers.c.doc_id == bindparam("doc")).values(trending_score=bindparam("score")),
                     [{"doc": doc_id, "score": score} for doc_id, score in scores.items()])


def rescore(conn: Connection, doc_ids: Iterable[int], half_life_hours: float) -> None:
    """Recompute and store the scores of ``doc_ids`` (after removing many of their events at once)."""
    doc_ids = sorted(set(doc_ids))
    for start in range(0, len(doc_ids), REBUILD_BATCH):
        store_scores(conn, recomputed(conn, doc_ids[start:start + REBUILD_BATCH], half_life_hours))


def rebuild(db: Engine, half_life_hours: float, batch_size: int = REBUILD_BATCH) -> int:
    """Recompute every paper's score from its events, one transaction per batch; the number of papers."""
    done = 0
    for doc_ids in _doc_id_batches(db, batch_size):
        with db.begin() as conn:
            store_scores(conn, recomputed(conn, doc_ids, half_life_hours))
        done += len(doc_ids)
    return done


# Built once (an un-vote that must recompute runs all four); doc ids expand at execution.
_DOC_IDS = bindparam("doc_ids", expanding=True)
_LISTED = select(papers.c.doc_id, papers.c.listing_date).where(papers.c.doc_id.in_(_DOC_IDS),
                                                               papers.c.listing_date.is_not(None))
_TIMED_EVENTS = (
    (select(submissions.c.doc_id, submissions.c.submitted_at)
     .where(submissions.c.doc_id.in_(_DOC_IDS), submissions.c.removed_at.is_(None)), trending.SUBMISSION),
    (select(votes.c.doc_id, votes.c.created_at).where(votes.c.doc_id.in_(_DOC_IDS)), trending.VOTE),
    (select(comments.c.doc_id, func.min(comments.c.created_at))
     .where(comments.c.doc_id.in_(_DOC_IDS), comments.c.deleted_at.is_(None), comments.c.hidden_at.is_(None))
     .group_by(comments.c.doc_id, comments.c.user_id), trending.COMMENT),
)


def paper_events(conn: Connection, doc_ids: list[int]) -> dict[int, list[tuple[float, float]]]:
    """Each paper's trending events as (hours since 1970, weight): listing, submission, votes,
    and each member's first comment that is still shown."""
    events: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for doc_id, day in conn.execute(_LISTED, {"doc_ids": doc_ids}):
        events[doc_id].append((trending.listing_score(day), trending.LISTING))
    for query, weight in _TIMED_EVENTS:
        for doc_id, at in conn.execute(query, {"doc_ids": doc_ids}):
            events[doc_id].append((trending.hours(at), weight))
    return events


def _doc_id_batches(db: Engine, size: int) -> Iterator[list[int]]:
    last = 0
    while True:
        with db.connect() as conn:
            batch = conn.execute(select(papers.c.doc_id).where(papers.c.doc_id > last)
                                 .order_by(papers.c.doc_id).limit(size)).scalars().all()
        if not batch:
            return
        last = batch[-1]
        yield batch
