"""SearchService: what the web app and the CLI call to search and to find similar papers."""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from markupsafe import Markup

from paperwire.config import Settings
from paperwire.memo import RecentlyUsed
from paperwire.paper import title_key
from paperwire.rank import keywords
from paperwire.search.embedder import Embedder, ModelError, document_text
from paperwire.search.local.facets import FacetRows
from paperwire.search.fuse import convex
from paperwire.search.local.generations import IndexState, read_state, state_path
from paperwire.search.local.keyword import KeywordIndex
from paperwire.search.query import ParsedQuery, SearchFilters, parse_query, with_filters, words
from paperwire.search.query_encoder import OnnxQueryEncoder, query_model_dir
from paperwire.search.snippets import highlight, snippet
from paperwire.search.timings import timed
from paperwire.search.local.vectors import VectorIndex
from paperwire.store import Catalog, StoredPaper

SORTS = ("relevance", "newest", "upvotes")
MODES = ("hybrid", "keyword", "semantic")
# Each retriever contributes this many candidates to fusion (and to sorting by date or votes).
CANDIDATES = 100
MAX_DEPTH = 1000
MAX_LIMIT = 200
# When no paper holds the query's words, this many papers nearest in meaning are offered instead.
CLOSEST_BY_MEANING = 20
QUERY_THREADS = 1
ANSWERS_REMEMBERED = 1024  # rankings of recent queries, and papers' neighbours: a page of ids each
_AUTHOR_LIMIT = 100_000
WARM_UP_QUERY = "warming up the search"

log = logging.getLogger(__name__)


class IndexMissing(RuntimeError):
    """There are no search indexes yet (or they are unusable)."""


@dataclass(frozen=True)
class Hit:
    paper: StoredPaper
    score: float
    marks: tuple[str, ...] = ()  # the query's words, marked where the hit is shown

    # Made when first read: the APIs, feeds and exports that show no snippet never pay for one.
    @functools.cached_property
    def title_html(self) -> Markup:
        """Escaped title, matches in <mark>."""
        return self._highlighted("title", lambda: highlight(self.paper.paper.title_pieces, self.marks))

    @functools.cached_property
    def snippet_html(self) -> Markup:
        """Escaped abstract excerpt (~300 chars), matches in <mark>."""
        return self._highlighted("snippet", lambda: snippet(self.paper.paper.abstract_pieces, self.marks))

    def _highlighted(self, part: str, make) -> Markup:
        key = (self.paper.doc_id, self.paper.revision, self.marks, part)
        html = _HIGHLIGHTED.get(key)
        if html is None:
            html = make()
            _HIGHLIGHTED.put(key, html)
        return html


# A paper's highlighted title and excerpt for a query's words: the same for every reader who
# asks that query again (~0.1 ms a hit to make). ~8,000 of ~0.5 KB: ~4 MB a process.
_HIGHLIGHTED: RecentlyUsed[tuple, Markup] = RecentlyUsed(8192)


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]
    total: int  # papers matching (for semantic and hybrid: candidates that can be paged through)
    query: ParsedQuery
    # Papers holding any of the query's words; None where words were not looked at (semantic mode, listings).
    word_matches: int | None = None
    # No paper holds the words (hybrid search): the hits are only the papers closest in meaning.
    closest_by_meaning: bool = False


class _Answer(NamedTuple):
    page: list[tuple[int, float]]  # (doc_id, score) of the page asked
    total: int
    word_matches: int | None
    closest_by_meaning: bool


@dataclass
class _Loaded:
    state: IndexState
    stamp: tuple[int, int]
    keyword: KeywordIndex
    vectors: VectorIndex
    facets: FacetRows
    keywords: keywords.KeywordFeatures | None = None  # weighed when the recommender first asks


class SearchService:
    def __init__(self, settings: Settings, catalog: Catalog, embedder: Embedder | None = None):
        self.settings = settings
        self.catalog = catalog
        # One query at a time: a single thread answers a short query sooner than two
        # threads contending with the web server for the same cores (docs/benchmarks.md).
        self.embedder = embedder or Embedder(
            threads=QUERY_THREADS, query_encoder=OnnxQueryEncoder(query_model_dir(settings), threads=QUERY_THREADS)
        )
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None
        # A ranking depends only on the query and the index generation (sorting by upvotes uses
        # the generation's counts too): a query asked again is answered without the model. The
        # papers themselves are read afresh each time, with their current votes.
        self._answers: RecentlyUsed[tuple, _Answer] = RecentlyUsed(ANSWERS_REMEMBERED)
        # ... and so do a paper's nearest neighbours, which every reader of its page is shown.
        self._neighbours: RecentlyUsed[tuple, list[tuple[int, float]]] = RecentlyUsed(ANSWERS_REMEMBERED)

    def prepare(self) -> None:
        """Make the first search as quick as the next: load the query model and, when the indexes
        are built, open them and answer one query. A home without indexes (or without the model)
        still starts; its searches then say what is missing."""
        try:
            self.embedder.embed_query(WARM_UP_QUERY)
            self.search(WARM_UP_QUERY, limit=1)
        except IndexMissing:
            pass  # `paperwire index` builds them; the next search opens them
        except (ModelError, OSError) as exc:
            log.warning("search is not ready: %s", exc)

    # ---- index generations -------------------------------------------------------------

    def _indexes(self) -> _Loaded:
        """The current generation, reloaded when `paperwire index` has written a newer one."""
        path = state_path(self.settings.index_dir)
        try:
            info = path.stat()
            stamp = (info.st_mtime_ns, info.st_ino)
        except OSError:
            stamp = None
        loaded = self._loaded
        if loaded is not None and loaded.stamp == stamp:
            return loaded
        with self._lock:
            if self._loaded is not None and self._loaded.stamp == stamp:
                return self._loaded
            state = read_state(self.settings.index_dir)
            if state is None or stamp is None:
                raise IndexMissing(
                    f"no search index in {self.settings.index_dir}: run `paperwire index` to build it"
                )
            directory = self.settings.index_dir / state.vectors_dir_name
            keyword = KeywordIndex(self.settings.index_dir / state.keyword_dir)
            self._loaded = _Loaded(state=state, stamp=stamp, keyword=keyword, vectors=VectorIndex(directory),
                                   facets=FacetRows.load(directory / "facets.npz"))
            return self._loaded

    def forget(self) -> None:
        """Drop remembered rankings and query vectors (benchmarks time the work, not the memo)."""
        self._answers.clear()
        self._neighbours.clear()
        self.embedder.forget_queries()

    def keyword_index(self) -> KeywordIndex:
        """The current generation's keyword index, for queries of its own (the arXiv API's)."""
        return self._indexes().keyword

    def field_page(self, tree, ids: list[str] | None, sort_by: str, ascending: bool, offset: int,
                   limit: int) -> tuple[list[int], int]:
        """doc_ids of one page of the papers an arXiv ``search_query`` tree matches (among ``ids``), and
        how many match: sort_by relevance, submittedDate or lastUpdatedDate, descending unless ``ascending``."""
        from paperwire.search.local.field_query import SORT_FIELDS, field_query

        index = self.keyword_index()
        return index.page(field_query(tree, index, ids), order_by=SORT_FIELDS[sort_by], ascending=ascending,
                          offset=offset, limit=limit)

    def vectors_and_keywords(self) -> tuple[VectorIndex, keywords.KeywordFeatures]:
        """The current generation's paper vectors and keyword features, rows alike (for the recommender)."""
        loaded = self._indexes()
        with self._lock:
            if loaded.keywords is None:
                loaded.keywords = keywords.features_in(self.settings.index_dir / loaded.state.vectors_dir_name)
            return loaded.vectors, loaded.keywords

    # ---- search ------------------------------------------------------------------------

    @timed("hybrid", known=MODES)
    def search(self, text: str, *, filters: SearchFilters | None = None, sort: str = "relevance",
               limit: int = 20, offset: int = 0, mode: str = "hybrid") -> SearchResults:
        indexes = self._indexes()
        query = with_filters(parse_query(text if isinstance(text, str) else ""), filters)
        sort = sort if sort in SORTS else "relevance"
        mode = mode if mode in MODES else "hybrid"
        limit = max(1, min(_as_int(limit, 20), MAX_LIMIT))
        offset = max(0, min(_as_int(offset, 0), MAX_DEPTH))
        if query.is_empty:
            return self._listing(indexes, query, sort, limit, offset)
        generation = self._generation(indexes)
        asked = (generation, text, filters, sort, limit, offset, mode)
        answer = self._answers.get(asked)
        if answer is None:
            answer = self._answer(indexes, query, sort, limit, offset, mode)
            if generation is not None:
                self._answers.put(asked, answer)
        page, total, word_matches, closest_by_meaning = answer
        return SearchResults(hits=self._hits(page, query), total=total, query=query, word_matches=word_matches,
                             closest_by_meaning=closest_by_meaning)

    def _generation(self, indexes: _Loaded) -> tuple | None:
        """What a remembered ranking holds for: this index generation (None: remember none)."""
        return indexes.stamp

    def _answer(self, indexes: _Loaded, query: ParsedQuery, sort: str, limit: int, offset: int,
                mode: str) -> _Answer:
        depth = min(MAX_DEPTH, max(CANDIDATES, offset + limit))
        ranked, total = self.rank(indexes, query, depth, mode)
        word_matches = None if mode == "semantic" else total
        # Meaning always finds something: when the words match nothing, say so, and offer few.
        closest_by_meaning = mode == "hybrid" and total == 0
        if query.excluded and mode != "keyword":
            ranked = self._without_excluded(ranked, query)
        if closest_by_meaning:
            ranked = ranked[:CLOSEST_BY_MEANING]
        if sort != "relevance":
            ranked = self._sorted_by(indexes, ranked, sort)
        return _Answer(ranked[offset:offset + limit], max(total, len(ranked)), word_matches, closest_by_meaning)

    def rank(self, indexes, query: ParsedQuery, depth: int, mode: str) -> tuple[list[tuple[int, float]], int]:
        """(doc_id, score) best first, and how many papers match, for one retrieval mode."""
        if mode == "keyword":
            return self._keyword_hits(indexes, query, depth)
        semantic_hits, allowed = self._semantic_hits(indexes, query, depth)
        if mode == "semantic":
            return semantic_hits, min(allowed, len(semantic_hits))
        # In the request's own thread, after the model: on another thread, the lookup waited for the
        # GIL each time tantivy handed it back (1.7 ms alone, 23 ms beside a busy thread), and the
        # request, holding the worker's only handler thread, waited with it (docs/benchmarks.md).
        keyword_hits, total = self._keyword_hits(indexes, query, depth)
        # Dense pseudo-relevance feedback did not pay on SciFact train (docs/benchmarks.md): one pass.
        return convex(keyword_hits, semantic_hits)[:depth], total

    def _keyword_hits(self, indexes: _Loaded, query: ParsedQuery, depth: int) -> tuple[list[tuple[int, float]], int]:
        """(doc_id, BM25) best first, and how many papers hold any of the words."""
        return indexes.keyword.search(query, query.filters, depth)

    def _semantic_hits(self, indexes: _Loaded, query: ParsedQuery, depth: int) -> tuple[list[tuple[int, float]], int]:
        """(doc_id, cosine) best first among the papers passing the filters, and how many pass them."""
        mask = self._row_mask(indexes, query.filters)
        vector = self.embedder.embed_query(query.text)
        allowed = len(indexes.vectors) if mask is None else int(mask.sum())
        return indexes.vectors.search(vector, depth, mask), allowed

    def _row_mask(self, indexes: _Loaded, filters: SearchFilters) -> np.ndarray | None:
        mask = indexes.facets.mask(filters)
        if filters.authors:
            # Authors are known to the keyword index only; it lists their papers.
            doc_ids = indexes.keyword.filtered_doc_ids(SearchFilters(authors=filters.authors), _AUTHOR_LIMIT)
            by_author = np.zeros(len(indexes.vectors), dtype=bool)
            by_author[indexes.vectors.rows_of(np.array(doc_ids, dtype=np.int64))] = True
            mask = by_author if mask is None else mask & by_author
        return mask

    def _listing(self, indexes: _Loaded, query: ParsedQuery, sort: str, limit: int, offset: int) -> SearchResults:
        """No words to search for: the papers passing the filters, newest (or most upvoted) first."""
        mask = self._row_mask(indexes, query.filters)
        rows = np.arange(len(indexes.vectors)) if mask is None else np.flatnonzero(mask)
        facets = indexes.facets
        keys = (indexes.vectors.doc_ids[rows], facets.days[rows])
        if sort == "upvotes":
            keys = keys + (facets.upvotes[rows],)
        order = np.lexsort(keys)[::-1]
        page = rows[order[offset:offset + limit]]
        ranked = [(int(indexes.vectors.doc_ids[r]), 0.0) for r in page]
        return SearchResults(hits=self._hits(ranked, query), total=len(rows), query=query)

    def _sorted_by(self, indexes, ranked: list[tuple[int, float]], sort: str) -> list[tuple[int, float]]:
        facts = self._sort_facts(indexes, [d for d, _ in ranked])

        def key(item: tuple[int, float]):
            day, upvotes = facts.get(item[0], (-1, 0))
            if sort == "upvotes":
                return (-upvotes, -day, -item[1])
            return (-day, -item[1])

        return sorted(ranked, key=key)

    def _sort_facts(self, indexes: _Loaded, doc_ids: list[int]) -> dict[int, tuple[int, int]]:
        """doc_id -> (day number, upvotes) of the papers sorts order by."""
        rows = indexes.vectors.rows_of(np.array(doc_ids, dtype=np.int64))
        facets = indexes.facets
        return {int(indexes.vectors.doc_ids[r]): (int(facets.days[r]), int(facets.upvotes[r])) for r in rows}

    def _without_excluded(self, ranked: list[tuple[int, float]], query: ParsedQuery) -> list[tuple[int, float]]:
        # Semantic hits know nothing of words: drop those whose text has an excluded word or phrase.
        banned = [" ".join(words(e)) for e in query.excluded if words(e)]
        papers = {p.doc_id: p for p in self.catalog.by_doc_ids([d for d, _ in ranked])}
        kept = []
        for doc_id, score in ranked:
            paper = papers.get(doc_id)
            if paper is None:
                continue
            text = " " + " ".join(words(paper.paper.title + " " + paper.paper.abstract)) + " "
            if not any(f" {b} " in text or f" {b}s " in text for b in banned):
                kept.append((doc_id, score))
        return kept

    def _hits(self, ranked: list[tuple[int, float]], query: ParsedQuery) -> list[Hit]:
        papers = {p.doc_id: p for p in self.catalog.by_doc_ids([d for d, _ in ranked])}
        marks = query.highlight_words
        hits = []
        for doc_id, score in ranked:
            stored = papers.get(doc_id)
            if stored is None or stored.deleted:
                continue
            hits.append(Hit(paper=stored, score=score, marks=marks))
        return hits

    # ---- similar papers ----------------------------------------------------------------

    @timed("similar")
    def similar(self, paper_id: str, limit: int = 10) -> list[Hit]:
        """Papers nearest in meaning to ``paper_id``, never the paper itself or another version of it."""
        indexes = self._indexes()
        stored = self.catalog.get(paper_id or "")
        if stored is None:
            return []
        limit = max(1, min(_as_int(limit, 10), MAX_LIMIT))
        generation = self._generation(indexes)
        asked = (generation, stored.doc_id, stored.revision, limit)
        candidates = self._neighbours.get(asked)
        if candidates is None:
            vector = self._paper_vector(indexes, stored.doc_id)
            if vector is None:  # newer than the index: embed it now
                vector = self.embedder.embed([document_text(stored.paper)])[0]
            candidates = [(d, s) for d, s in self._nearest(indexes, vector, limit + 10) if d != stored.doc_id]
            if generation is not None:
                self._neighbours.put(asked, candidates)
        own_title = title_key(stored.paper.title)
        hits = [h for h in self._hits(candidates, ParsedQuery())
                if h.paper.paper.id != stored.paper.id and title_key(h.paper.paper.title) != own_title]
        return hits[:limit]

    def _paper_vector(self, indexes: _Loaded, doc_id: int) -> np.ndarray | None:
        rows = indexes.vectors.rows_of(np.array([doc_id], dtype=np.int64))
        return indexes.vectors.vectors(rows)[0] if len(rows) else None

    def _nearest(self, indexes: _Loaded, vector: np.ndarray, count: int) -> list[tuple[int, float]]:
        return indexes.vectors.search(vector, count)


def _as_int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
