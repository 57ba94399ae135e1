"""For you: recent papers ranked for one reader, each with its reasons.

The reader's model (rank/model.py) is trained on their signals (rank/signals.py) and kept in
this process until those signals change, which one cheap query tells. Candidates are the
papers listed in the window (the last ``for_you_window_days`` days up to the newest listing
date, or the days asked for) that the search index holds vectors of; papers the reader saved,
upvoted, collected, dismissed or saw never come back. Followed authors and categories lift
their papers. A reader who has told the site nothing yet gets the window's trending papers in
their followed categories (all categories when they follow none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Collection, Iterator

import numpy as np
from sqlalchemy import Engine, and_, bindparam, select

from paperwire.accounts.members import Member
from paperwire.community.errors import Invalid
from paperwire.community.rules import Policy
from paperwire.memo import RecentlyUsed
from paperwire.rank import explain, keywords
from paperwire.rank.model import BACKGROUND_SIZE, Background, Candidates, ReaderModel, train
from paperwire.rank.signals import Signals, reader_signals, signature
from paperwire.reader.follows import Followed, followed
from paperwire.search import IndexMissing, SearchService
from paperwire.search.local.vectors import VectorIndex
from paperwire.store import Catalog, StoredPaper
from paperwire.store.browse import latest_listing_date, papers_in_period
from paperwire.store.schema import paper_authors, paper_categories, papers

MAX_LIMIT = 100
MAX_WINDOW_DAYS = 366  # a longer window is a search, not a feed
# Scores are in standard deviations over the window's papers.
FOLLOWED_AUTHOR_LIFT = 1.5  # about the distance from a so-so paper to a close one
FOLLOWED_CATEGORY_LIFT = 0.3
CACHED_READERS = 2048


@dataclass(frozen=True)
class Recommendation:
    paper: StoredPaper
    score: float
    reasons: tuple[str, ...]  # shown to the reader


@dataclass(frozen=True)
class ForYouFeed:
    items: list[Recommendation]
    has_signals: bool  # False: nothing upvoted, saved, collected or dismissed yet (trending instead)
    since: date | None = None  # the listing window ranked (None: an empty catalog)
    until: date | None = None


@dataclass(frozen=True)
class _Trained:
    signals: Signals
    model: ReaderModel | None  # None: none of the reader's papers has a vector yet
    positive_ids: np.ndarray  # doc ids of model.positives' rows


@dataclass(frozen=True)
class _Background:
    index: VectorIndex
    model: Background


@dataclass(frozen=True)
class _Window:
    index: VectorIndex
    days: tuple[date, date]
    rows: np.ndarray  # index rows of the papers listed in those days
    candidates: Candidates
    by_author: dict[str, list[int]]  # an author's name key -> positions (in rows) of their papers
    by_category: dict[str, list[int]]  # a category -> positions of its papers
    # row -> the paper's terms, their columns and weights: the same for every reader, so each
    # paper's text is tokenised once, not once per reader it is explained to
    paper_terms: dict[int, tuple[list[str], np.ndarray, np.ndarray]] = field(default_factory=dict, compare=False)


class ReaderModels:
    """Trained models of recent readers, kept until their signals (or the index) change."""

    def __init__(self, size: int = CACHED_READERS):
        self.trained = 0  # models trained so far: how a test sees that one was reused
        self._models: RecentlyUsed[tuple, _Trained] = RecentlyUsed(size)
        self._background: _Background | None = None
        self._window: _Window | None = None

    def get(self, key: tuple, make: Callable[[], _Trained]) -> _Trained:
        made = self._models.get(key)
        if made is None:
            made = make()
            self.trained += 1
            self._models.put(key, made)
        return made

    def background(self, index: VectorIndex, features: keywords.KeywordFeatures) -> Background:
        """Random papers of this index generation: every reader's negatives."""
        current = self._background
        if current is not None and current.index is index:
            return current.model
        rng = np.random.default_rng(len(index))
        rows = np.sort(rng.choice(len(index), size=min(BACKGROUND_SIZE, len(index)), replace=False))
        self._background = _Background(index, Background.of(index.vectors(rows), features.rows[rows]))
        return self._background.model

    def window(self, db: Engine, index: VectorIndex, features: keywords.KeywordFeatures,
               days: tuple[date, date]) -> _Window:
        """The papers listed in ``days``, ready to rank: every reader asking for these days shares them."""
        current = self._window
        if current is not None and current.index is index and current.days == days:
            return current
        listed = select(papers.c.doc_id).where(_in_window(days))
        with db.connect() as conn:
            rows = index.rows_of(np.array(sorted(conn.execute(listed).scalars()), dtype=np.int64))
            position = {doc_id: at for at, doc_id in enumerate(index.doc_ids[rows].tolist())}
            by_author: dict[str, list[int]] = {}
            by_category: dict[str, list[int]] = {}
            for table, column, grouped in ((paper_authors, paper_authors.c.name_key, by_author),
                                           (paper_categories, paper_categories.c.category, by_category)):
                for doc_id, key in conn.execute(select(table.c.doc_id, column).where(table.c.doc_id.in_(listed))):
                    if doc_id in position:  # listed since the index was built: not rankable yet
                        grouped.setdefault(key, []).append(position[doc_id])
        made = _Window(index, days, rows, Candidates.of(index.vectors(rows), features.rows[rows],
                                                        self.background(index, features), features.rarity),
                       by_author, by_category)
        self._window = made
        return made


MODELS = ReaderModels()  # this process's: readers' models are cheap to retrain in another


def listing_window(db: Engine, days: int, since: date | None, until: date | None) -> tuple[date, date] | None:
    """The listing days to recommend from: ``days`` up to the newest listing date unless asked."""
    if since is not None and until is not None and since > until:
        raise Invalid("since", f"must not be after until ({until.isoformat()})")
    if until is None:
        newest = latest_listing_date(Catalog(db))
        if newest is None:
            return None
        until = max(newest, since) if since else newest
    since = since or until - timedelta(days=days - 1)
    if (until - since).days >= MAX_WINDOW_DAYS:
        raise Invalid("since", f"the window may span {MAX_WINDOW_DAYS} days at most")
    return since, until


def recommend(db: Engine, policy: Policy, search: SearchService, viewer: Member | None, *, limit: int = 20,
              since: date | None = None, until: date | None = None, exclude: Collection[int] = (),
              signals: Signals | None = None, follows: Followed | None = None,
              read_papers: Callable[[list[int]], list[StoredPaper]] | None = None) -> ForYouFeed:
    """The viewer's recommendations among papers listed from ``since`` to ``until`` (inclusive).

    ``signals`` and ``follows``, when given, are the viewer's as the caller read them (a digest
    reads them for hundreds of readers at once); the model is then trained for this call alone,
    as a digest meets each reader once. Otherwise they are read here, and the trained model is
    kept until the viewer's signals change. ``read_papers``: how the chosen papers are read
    (default: from the catalog, as they are now; a digest run reads each once for all readers)."""
    member = policy.require_member(viewer)
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid("limit", f"must be from 1 to {MAX_LIMIT}")
    window = listing_window(db, policy.settings.for_you_window_days, since, until)
    if window is None:
        return ForYouFeed([], has_signals=False)
    if follows is None:
        follows = followed(db, member.id)
    try:
        index, features = search.vectors_and_keywords()
    except IndexMissing:
        index = features = None
    if signals is None:
        key = (member.id, signature(db, member.id), id(index))
        trained = MODELS.get(key, lambda: _train(reader_signals(db, member.id), index, features))
    else:
        trained = _train(signals, index, features)
    unwanted = trained.signals.excluded | set(exclude)
    if trained.model is None:
        items = _trending(db, window, follows, unwanted, limit)
    else:
        items = _ranked(db, MODELS.window(db, index, features, window), features, trained, follows, unwanted, limit,
                        read_papers or Catalog(db).by_doc_ids)
    return ForYouFeed(items, trained.signals.any, *window)


def _train(signals: Signals, index: VectorIndex | None, features: keywords.KeywordFeatures | None) -> _Trained:
    untrained = _Trained(signals, None, np.empty(0, dtype=np.int64))
    if index is None or not signals.any:
        return untrained
    # rows_of keeps the index's order: doc ids come back from the rows, not from the signals.
    positive_rows = index.rows_of(np.array(signals.positives, dtype=np.int64))
    dismissed_rows = index.rows_of(np.array(signals.dismissed, dtype=np.int64))
    if not len(positive_rows) and not len(dismissed_rows):
        return untrained
    model = train(index.vectors(positive_rows), index.vectors(dismissed_rows), MODELS.background(index, features),
                  features.rows[positive_rows], features.rows[dismissed_rows])
    return _Trained(signals, model, index.doc_ids[positive_rows])


def _in_window(window: tuple[date, date]):
    return and_(papers.c.listing_date >= window[0], papers.c.listing_date <= window[1], papers.c.deleted.is_(False))


def _ranked(db: Engine, window: _Window, features: keywords.KeywordFeatures, trained: _Trained,
            follows: Followed, unwanted: Collection[int], limit: int,
            read_papers: Callable[[list[int]], list[StoredPaper]]) -> list[Recommendation]:
    if not len(window.rows):
        return []
    doc_ids = window.index.doc_ids[window.rows]
    authors, categories = _followed_in(window, follows)
    lifts = np.zeros(len(doc_ids), dtype=np.float32)
    for followed_at, lift in ((authors, FOLLOWED_AUTHOR_LIFT), (categories, FOLLOWED_CATEGORY_LIFT)):
        lifts[list(followed_at)] += lift
    lifts[np.isin(doc_ids, np.array(list(unwanted), dtype=np.int64))] = -np.inf
    best, scores = trained.model.best(window.candidates, limit, lifts)
    chosen = doc_ids[best].tolist()
    nearest: list[int | None] = [None] * len(best)
    if len(trained.positive_ids):
        nearest = trained.positive_ids[trained.model.nearest_positive(window.candidates.vectors[best])].tolist()
    stored = {p.doc_id: p for p in read_papers(chosen)} if chosen else {}
    titles = _live_titles(db, [n for n in nearest if n])
    shown = [(stored[doc_id], at, score, near)
             for doc_id, at, score, near in zip(chosen, best.tolist(), scores.tolist(), nearest)
             if doc_id in stored and not stored[doc_id].deleted]  # not deleted since the index was built
    ranked_terms = _ranked_terms(trained.model, [_paper_terms(window, features, int(window.rows[at]), paper)
                                                 for paper, at, _, _ in shown])
    items = []
    for (paper, at, score, near), terms in zip(shown, ranked_terms):
        reasons = [explain.by_followed(name) for name in authors.get(at, ())]
        if near in titles:
            reasons.append(explain.close_to(titles[near]))
        found = explain.top_words(terms)
        if found:
            reasons.append(explain.in_words(found))
        reasons += [explain.in_followed(c) for c in categories.get(at, ())]
        items.append(Recommendation(paper, float(score), tuple(reasons)))
    return items


def _paper_terms(window: _Window, features: keywords.KeywordFeatures, row: int,
                 paper: StoredPaper) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The paper's terms, their feature columns and their weights in the paper (kept with the window)."""
    known = window.paper_terms.get(row)
    if known is None:
        terms = keywords.terms_with_columns(keywords.text_of(paper.paper))
        columns = np.array(list(terms.values()), dtype=np.int64)
        features_row = features.rows[row]  # sorted column indices: look the paper's terms up in them
        at = np.clip(np.searchsorted(features_row.indices, columns), 0, max(features_row.nnz - 1, 0))
        held = features_row.indices[at] == columns if features_row.nnz else np.zeros(len(columns), dtype=bool)
        known = window.paper_terms[row] = (list(terms), columns, np.where(held, features_row.data[at], 0.0))
    return known


def _ranked_terms(model: ReaderModel, papers_terms: list[tuple[list[str], np.ndarray, np.ndarray]]) -> list[Iterator[str]]:
    """For each paper, its terms that weigh for the reader, best first: their weight in the reader's
    keyword model times their weight in the paper, where positive. The model is asked once for
    all the papers' columns (a sparse lookup each time); a paper's terms are named only as far as
    its reason reads them."""
    if not papers_terms:
        return []
    weights = model.term_weights(np.concatenate([columns for _, columns, _ in papers_terms]))
    ranked, start = [], 0
    for names, columns, in_paper in papers_terms:
        end = start + len(columns)
        product = weights[start:end] * in_paper
        # Stable: names are sorted, so equal weights stay in alphabetical order.
        best_first = np.argsort(-product, kind="stable")[:np.count_nonzero(product > 0)]
        ranked.append(map(names.__getitem__, best_first.tolist()))
        start = end
    return ranked


def _trending(db: Engine, window: tuple[date, date], follows: Followed, unwanted: Collection[int],
              limit: int) -> list[Recommendation]:
    """The window's most active papers, in the followed categories when there are any."""
    found, _ = papers_in_period(Catalog(db), *window, sort="trending", categories=list(follows.categories),
                                limit=limit + len(unwanted), counted=False)
    reason = (explain.trending_in(follows.categories.values()),)
    return [Recommendation(p, p.trending_score, reason) for p in found if p.doc_id not in unwanted][:limit]


def _followed_in(window: _Window, follows: Followed) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Position (in the window's rows) -> the followed authors (names as shown) and categories of that paper."""
    authors: dict[int, list[str]] = {}
    categories: dict[int, list[str]] = {}
    for followed_by, grouped, shown in ((follows.authors, window.by_author, authors),
                                        (follows.categories, window.by_category, categories)):
        for key, name in followed_by.items():
            for at in grouped.get(key, ()):
                shown.setdefault(at, []).append(name)
    return authors, categories


_LIVE_TITLES = select(papers.c.doc_id, papers.c.title).where(
    papers.c.doc_id.in_(bindparam("doc_ids", expanding=True)), papers.c.deleted.is_(False))  # built once: see Catalog


def _live_titles(db: Engine, doc_ids: list[int]) -> dict[int, str]:
    """Titles only: a nearest positive is named, never shown, and most are older than any memo keeps."""
    if not doc_ids:
        return {}
    with db.connect() as conn:
        return dict(conn.execute(_LIVE_TITLES, {"doc_ids": list(set(doc_ids))}).all())
