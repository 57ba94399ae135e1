"""A digest's sections: each a small source of (paper, reason) pairs over the digest's window.

The rules every digest keeps, whatever its sources answer: a paper appears once, in the
first of the reader's sections that lists it (their own order); a paper already sent to the
reader in an earlier digest never comes again; each section holds at most
``settings.digest_section_size`` papers. A source is asked for more than it will keep, so
that papers dropped by these rules leave room for others.

A visitor's subscription (an address without an account) gets trending papers only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Collection

from sqlalchemy import Engine, select

from paperwire.accounts.members import Member
from paperwire.community.comments import replies_to
from paperwire.community.rules import Policy
from paperwire.config import Settings
from paperwire.digest.schedule import Window
from paperwire.digest.subscriptions import VISITOR_SECTIONS, Subscription
from paperwire.rank.for_you import MAX_LIMIT, recommend
from paperwire.rank.signals import Signals
from paperwire.reader.follows import Followed, new_papers_by_followed
from paperwire.reader.saved_searches import SavedSearch, new_matches
from paperwire.search.service import IndexMissing
from paperwire.store import Catalog, StoredPaper
from paperwire.store.browse import papers_in_period
from paperwire.store.reader_schema import digest_papers

log = logging.getLogger(__name__)
OVERFETCH = 3  # a source is asked for this many times the section's size, before the rules drop some


@dataclass(frozen=True)
class Listed:
    paper: StoredPaper
    reason: str  # shown beside the paper: why it is in this digest


@dataclass(frozen=True)
class Section:
    name: str  # as in subscriptions.SECTIONS
    title: str
    papers: list[Listed]


@dataclass(frozen=True)
class Reader:
    """One subscriber as composing sees them."""

    subscription: Subscription
    member: Member | None  # None: a visitor's address
    window: Window
    sent: frozenset[int]  # papers listed in the window that earlier digests already sent them
    # What a member's sections start from, read for their whole chunk at once (a visitor: none)
    follows: Followed | None
    signals: Signals | None
    saved_searches: tuple[SavedSearch, ...]
    replied_to: bool  # answered by someone since the chunk's earliest replies_since: only then are replies read


@dataclass
class Sources:
    """What the sources share over one run of composing: the site, trending papers by window
    and category, and the papers recommended, read once for all the readers who ask for the same."""

    db: Engine
    settings: Settings
    policy: Policy
    search: object  # the SearchService (for-you, saved searches)
    _trending: dict[tuple, list[StoredPaper]] = field(default_factory=dict)
    # doc id -> the paper as read this run: for-you picks from the same few thousand recent
    # papers for every reader (reading a reader's 20 cost 0.5 ms, a twentieth of composing them)
    _papers: dict[int, StoredPaper] = field(default_factory=dict)

    def papers(self, doc_ids: list[int]) -> list[StoredPaper]:
        missing = [doc_id for doc_id in doc_ids if doc_id not in self._papers]
        if missing:
            self._papers.update((p.doc_id, p) for p in Catalog(self.db).by_doc_ids(missing))
        return [self._papers[doc_id] for doc_id in doc_ids if doc_id in self._papers]

    def trending(self, window: Window, category: str | None, limit: int) -> list[StoredPaper]:
        key = (window.since, window.until, category, limit)
        if key not in self._trending:
            self._trending[key] = papers_in_period(Catalog(self.db), window.since, window.until, sort="trending",
                                                   categories=[category] if category else (), limit=limit,
                                                   counted=False)[0]
        return self._trending[key]


Source = Callable[[Sources, Reader, int, Collection[int]], list[tuple[StoredPaper, str]]]


def _trending(sources: Sources, reader: Reader, limit: int, _exclude: Collection[int]):
    categories = reader.follows.categories if reader.follows else {}
    if not categories:
        return [(paper, _trending_reason(paper, None)) for paper in sources.trending(reader.window, None, limit)]
    merged = {p.doc_id: (p, _trending_reason(p, c)) for c in categories for p in sources.trending(reader.window, c, limit)}
    ranked = sorted(merged.values(), key=lambda pair: (-pair[0].trending_score, -pair[0].doc_id))
    return ranked[:limit]


def _trending_reason(paper: StoredPaper, category: str | None) -> str:
    where = f"trending in {category}, which you follow" if category else "trending"
    votes = f": {paper.votes} upvote{'' if paper.votes == 1 else 's'}" if paper.votes else ""
    comments = f", {paper.num_comments} comment{'' if paper.num_comments == 1 else 's'}" if paper.num_comments else ""
    return where + votes + comments


def _for_you(sources: Sources, reader: Reader, _limit: int, exclude: Collection[int]):
    # The recommender leaves out what the rules would drop (``exclude``): a section's worth is
    # enough, and each paper asked for costs its explanation.
    feed = recommend(sources.db, sources.policy, sources.search, reader.member,
                     limit=min(sources.settings.digest_section_size, MAX_LIMIT),
                     since=reader.window.since, until=reader.window.until, exclude=exclude,
                     signals=reader.signals, follows=reader.follows, read_papers=sources.papers)
    if not feed.has_signals:  # what it would show is trending papers: that is the trending section's
        return []
    return [(item.paper, "; ".join(item.reasons) or "recommended for you") for item in feed.items]


def _authors(sources: Sources, reader: Reader, limit: int, _exclude: Collection[int]):
    if not reader.follows.authors:
        return []
    return new_papers_by_followed(sources.db, reader.member.id, since=reader.window.since,
                                  until=reader.window.until, limit=limit)


def _searches(sources: Sources, reader: Reader, limit: int, _exclude: Collection[int]):
    try:
        return new_matches(sources.search, reader.saved_searches, since=reader.window.since,
                           until=reader.window.until, limit=limit)
    except IndexMissing as error:  # the site has no search index yet: the other sections still go
        log.warning("digest section 'searches' left out: %s", error)
        return []


def _replies(sources: Sources, reader: Reader, limit: int, _exclude: Collection[int]):
    if not reader.replied_to:
        return []
    return replies_to(sources.db, reader.member.id, since=reader.window.replies_since, limit=limit)


SECTIONS: dict[str, tuple[str, Source]] = {
    "trending": ("Trending", _trending),
    "for-you": ("For you", _for_you),
    "authors": ("From authors you follow", _authors),
    "searches": ("Matching your saved searches", _searches),
    "replies": ("Replies to your comments", _replies),
}


def compose_sections(sources: Sources, reader: Reader) -> list[Section]:
    """The reader's non-empty sections, in their order, under the rules above."""
    size = sources.settings.digest_section_size
    names = reader.subscription.sections if reader.member else VISITOR_SECTIONS
    taken: set[int] = set()
    composed = []
    for name in dict.fromkeys(names):  # a section named twice is composed once
        if name not in SECTIONS:
            continue
        title, source = SECTIONS[name]
        candidates = source(sources, reader, size * OVERFETCH, reader.sent | taken)
        fresh = _unsent(sources.db, reader, [pair for pair in candidates if pair[0].doc_id not in taken])
        chosen = []
        for paper, reason in fresh:
            if paper.doc_id not in taken and len(chosen) < size:
                taken.add(paper.doc_id)
                chosen.append(Listed(paper, reason))
        if chosen:
            composed.append(Section(name, title, chosen))
    return composed


def _unsent(db: Engine, reader: Reader, candidates: list[tuple[StoredPaper, str]]) -> list[tuple[StoredPaper, str]]:
    """``candidates`` less the papers sent to the reader before. Those listed in the window are
    known already (``reader.sent``); older ones (a reply on an old paper) are looked up."""
    since = reader.window.since
    older = [p.doc_id for p, _ in candidates if p.paper.listing_date is None or p.paper.listing_date < since]
    sent = set(reader.sent)
    if older:
        with db.connect() as conn:
            sent.update(conn.execute(select(digest_papers.c.doc_id).where(
                digest_papers.c.subscription_id == reader.subscription.id,
                digest_papers.c.doc_id.in_(older))).scalars())
    return [(p, reason) for p, reason in candidates if p.doc_id not in sent]
